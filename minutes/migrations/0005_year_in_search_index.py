"""The search index also holds each item's year, so a year filter is one index entry.

btree_gin reads a date range as a scan from the bound to the end of the index, once per
bound: at a million items a year filter (two bounds, each over years of items) cost the index
100-250 ms, where the year's own entry costs a few milliseconds. The column order stays
otherwise as in 0004; `date` is kept for date ranges (date_from, date_to) and the newest
matches' cut-off date (search/scale.py).

ANALYZE gathers the statistics of the index's year expression, from which the planner guesses
how many items a year holds (search/scale.py reads that guess). An item_search of the new
shape that already exists (for instance built beforehand with CREATE INDEX CONCURRENTLY, see
docs/operations.md) is kept.
"""

from django.db import migrations

COLUMNS = "municipality_id, (hashint8(id) & 1023), (EXTRACT(year FROM date)::smallint), date, search_vector"
OLD_COLUMNS = "municipality_id, (hashint8(id) & 1023), date, search_vector"

FORWARD = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'item_search' AND indexdef LIKE '%EXTRACT(year%') THEN
        DROP INDEX IF EXISTS item_search;
        CREATE INDEX item_search ON minutes_agendaitem USING gin ({COLUMNS});
    END IF;
END
$$;
ANALYZE minutes_agendaitem;
"""
BACKWARD = f"""
DROP INDEX IF EXISTS item_search;
CREATE INDEX item_search ON minutes_agendaitem USING gin ({OLD_COLUMNS});
"""


class Migration(migrations.Migration):
    dependencies = [("minutes", "0004_composite_search_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
