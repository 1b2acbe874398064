"""What keeps a search fast at two million items: exact work below a threshold, estimates above it.

- Counts are exact up to SEARCH_EXACT_LIMIT matches (counted with a LIMIT, so the cost is
  bounded); above it the planner's estimate is used and the page says "ca.".
- Relevance is computed for a bounded candidate set: the SEARCH_RANK_CANDIDATES newest
  matches (read through the date index), not for every match of a common word.
- Facet counts above the threshold come from a sample of the table (TABLESAMPLE SYSTEM),
  scaled to the estimated count.
Below the threshold everything is exact, which is what the relevance tests see.
"""

import json
from collections import Counter

from django.conf import settings
from django.db import connection

from search import engine

SAMPLE_ROWS = 5_000


def exact_limit() -> int:
    return getattr(settings, "SEARCH_EXACT_LIMIT", 10_000)


def rank_candidates() -> int:
    return getattr(settings, "SEARCH_RANK_CANDIDATES", 500)


def capped_count(queryset, limit: int) -> int:
    """min(count, limit + 1), reading at most limit + 1 rows."""
    return queryset.order_by().values("id")[: limit + 1].count()


def planner_estimate(queryset) -> int:
    sql, params = queryset.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def count(queryset) -> tuple[int, bool]:
    """(count, whether it is an estimate)."""
    limit = exact_limit()
    capped = capped_count(queryset, limit)
    if capped <= limit:
        return capped, False
    return max(planner_estimate(queryset), capped), True


def candidates(queryset):
    """The newest matches, as the set relevance ranking is computed on."""
    from minutes.models import AgendaItem

    newest = queryset.order_by("-date", "-id").values("id")[: rank_candidates()]
    return AgendaItem.objects.filter(id__in=newest)


def _table_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT greatest(reltuples, 1)::bigint FROM pg_class WHERE oid = 'minutes_agendaitem'::regclass")
        return cursor.fetchone()[0]


def sampled_tallies(queryset, estimate: int) -> dict[str, dict]:
    """Facet counts from a sample of the table, scaled to `estimate` matches."""
    from minutes.models import OrganisationMention

    percent = min(100.0, SAMPLE_ROWS * 100.0 / _table_rows())
    sql, params = queryset.order_by().values(
        "id", "municipality_id", "committee_id", "date", "item_type", "outcome").query.sql_with_params()
    table = 'FROM "minutes_agendaitem"'
    sql = sql.replace(table, f"{table} TABLESAMPLE SYSTEM ({percent:.6f}) REPEATABLE (7)", 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return engine.exact_tallies(candidates(queryset))
    scale = estimate / len(rows)
    tallies = {name: Counter() for name in engine.FACETS}
    for _id, municipality, committee, date, item_type, outcome in rows:
        tallies["municipality"][municipality] += 1
        tallies["committee"][committee] += 1
        tallies["year"][str(date.year)] += 1
        if item_type:
            tallies["item_type"][item_type] += 1
        if outcome:
            tallies["outcome"][outcome] += 1
    mentioned = OrganisationMention.objects.filter(item_id__in=[r[0] for r in rows]).values_list("organisation_id")
    tallies["organisation"].update(organisation for (organisation,) in mentioned)
    return {name: {value: max(1, round(n * scale)) for value, n in counter.items()}
            for name, counter in tallies.items()}
