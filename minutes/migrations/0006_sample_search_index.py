"""Small partial search indexes for the samples: one per tier of sample buckets (1, 2, 4 … 32).

search/scale.py estimates a very common word's count and facets from its matches in the
first n buckets (`hashint8(id) & 1023 < n`, n one of scale.SAMPLE_TIERS). item_search answers
that badly: GIN decodes the word's whole posting list to find the few matches (at a million
items about 800,000 entries for "borgere", even for a one-bucket sample), and gathers every
item of the bucket range before intersecting (about 0.4 ms per bucket). item_sample_n holds
only the items of buckets 0 to n-1, with item_search's other columns: the sample then decodes
just those items' part of the posting list and reads no bucket range at all. The planner picks
the index itself: `bucket < n` is exactly the index's condition. Together about 80 MB at a
million items, beside item_search's 606 MB (docs/BENCHMARKS.md has the timings).

The tiers must stay those of scale.SAMPLE_TIERS (a test checks that each is served by its index).
"""

from django.db import migrations

TIERS = (1, 2, 4, 8, 16, 32)
COLUMNS = "municipality_id, (EXTRACT(year FROM date)::smallint), date, search_vector"
FORWARD = "".join(
    f"CREATE INDEX IF NOT EXISTS item_sample_{n} ON minutes_agendaitem USING gin ({COLUMNS}) "
    f"WHERE (hashint8(id) & 1023) < {n};\n" for n in TIERS
)
BACKWARD = "".join(f"DROP INDEX IF EXISTS item_sample_{n};\n" for n in TIERS)


class Migration(migrations.Migration):
    dependencies = [("minutes", "0005_year_in_search_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
