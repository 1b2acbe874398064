"""A small index of the organisation mentions of the sample buckets' items (the first 32 of 1,024).

A sample (search/scale.py) tallies its matches' organisations by looking each match up among the
mentions: hundreds of look-ups per search. In the whole mention index (at a million items
350,000 entries) each costs about twice what it costs in this one, which holds only the items of
buckets 0 to 31 (3 % of them; at a million items 360 kB), so the sample's organisation facet
takes about half the time (docs/BENCHMARKS.md). The sample's own condition (`bucket < n`, n at
most 32) implies this index's, so the planner uses it.

32 must stay the largest of scale.SAMPLE_TIERS (a test checks that every tier is served by it).
"""

from django.db import migrations

FORWARD = ("CREATE INDEX IF NOT EXISTS mention_sample ON minutes_organisationmention (item_id, organisation_id) "
           "WHERE (hashint8(item_id) & 1023) < 32")
BACKWARD = "DROP INDEX IF EXISTS mention_sample"


class Migration(migrations.Migration):
    dependencies = [("minutes", "0006_sample_search_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
