"""A second, small search index over the sample buckets only (partial: buckets 0-31).

search/scale.py estimates a very common word's count and facets from its matches in the
first few buckets (`hashint8(id) & 1023 < n`, n at most scale.MAX_SAMPLE_BUCKETS = 32). In
item_search, GIN must decode the word's whole posting list to find those few matches: at a
million items "borgere" lists about 800,000 items, so even a one-bucket sample decoded them
all. This index holds only the items of buckets 0-31 (1/32 of them), with the same columns,
so the same sample decodes a list 32 times shorter; the planner chooses it by itself for any
`bucket < n` with n <= 32, since that implies the index's condition. Measured at a million
items (docs/BENCHMARKS.md): the sample read of a common word in the largest municipality
24 -> 6 ms; the index is 36 MB beside item_search's 606 MB.

The condition's 32 must stay at least scale.MAX_SAMPLE_BUCKETS (a test checks that a sample
of that many buckets is served by this index).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS item_sample ON minutes_agendaitem USING gin "
    "(municipality_id, (hashint8(id) & 1023), (EXTRACT(year FROM date)::smallint), date, search_vector) "
    "WHERE (hashint8(id) & 1023) < 32"
)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0005_year_in_search_index")]

    operations = [migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS item_sample")]
