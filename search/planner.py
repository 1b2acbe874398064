"""What keeps a search fast at millions of items: the planner's guess first, then an exact read of
few matches or a sample of many; the candidates ranked and the pages listed by date from it.

Every item sits in one of 1,024 pseudo-random buckets (hashint8(id) & 1023). The search index
(migrations 0004, 0005) holds the words, the municipality, the year and the date; small partial
copies of it hold only the first 1, 2, 4 … 32 buckets' items (migration 0006), for samples.

- PostgreSQL's planner guesses the number of matches from its statistics (no rows read).
- A small guess (at most SEARCH_EXACT_LIMIT): the count and the facets are exact; the count is
  read with a LIMIT, so its cost stays bounded even when the guess was wrong.
- A large guess: the search reads its matches in the tier of those buckets that should hold about
  SEARCH_SAMPLE_MATCHES of them; that bucket tier's index answers without touching the other
  matches, however common the word (and their organisations are looked up in a small index of
  the tiers' mentions, migration 0007). If the sample confirms many matches, the count and the facet
  counts are the sample's, scaled up, and the page says "ca."; relevance is then computed
  for the SEARCH_RANK_CANDIDATES newest matches, found through the index's date column from
  a cut-off date taken from the sample. If not, the exact path above is taken.

Raw SQL runs on the connection of the queryset's database (`queryset.db`), so a database router
decides where these reads go, as it does for the ORM's.
"""

import datetime
import json
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections

from minutes.models import AgendaItem
from search.facets import FACETS
from search.ranking import Ranking
from search.sql import DaysBetween, IdIn, id_array

BUCKETS = 1024
# A sample reads the first n buckets, n one of these: each has a partial search index of its
# own holding just those buckets' items (migration 0006), so the sample decodes only their part
# of a word's posting list and reads no bucket range (in a GIN index that gathers every item of
# the range first). Beyond 32 buckets (3 % of the
# items) a sample holds fewer matches rather than more buckets.
SAMPLE_TIERS = (1, 2, 4, 8, 16, 32)


def in_buckets(column: str, buckets: int) -> str:
    """SQL: the item id `column` is in the first `buckets` buckets (the partial indexes' condition)."""
    return f"(hashint8({column}) & 1023) < {int(buckets)}"


def items_with_ids(ids, *, using: str):
    return AgendaItem.objects.using(using).filter(IdIn(ids))


def exact_limit() -> int:
    return getattr(settings, "SEARCH_EXACT_LIMIT", 2_000)


def rank_candidates() -> int:
    return getattr(settings, "SEARCH_RANK_CANDIDATES", 200)


def sample_matches() -> int:
    return getattr(settings, "SEARCH_SAMPLE_MATCHES", 500)


def sample_buckets(guess: int) -> int:
    """The tier of buckets that should hold nearest to sample_matches() of `guess` matches (by
    ratio: between 0.71 and 1.41 times as many), or the largest tier."""
    wanted = BUCKETS * sample_matches() / max(guess, 1)
    return next((tier for tier in SAMPLE_TIERS if tier >= wanted / math.sqrt(2)), SAMPLE_TIERS[-1])


@dataclass
class MatchCount:
    """How many items match (exact or estimated), their facet counts, and what the reading found
    on the way: the sample, or every match's id, or the best ids ranked."""

    count: int
    estimated: bool
    tallies: dict[str, dict] = field(default_factory=dict)
    sample: list[tuple] = field(default_factory=list)  # (id, date) of the sampled matches, when estimated
    ids: list[int] | None = None  # every match, when exact: ranking them needs no second text search
    ranked: list[int] | None = None  # when exact and a ranking was asked for: the best ids, best first


COLUMNS = ("id", "municipality_id", "committee_id", "date", "item_type", "outcome")  # the rows `m` facets tally


def count_matches(queryset, with_tallies: bool = True, ranking: Ranking | None = None) -> MatchCount:
    """Count and facet counts of `queryset`'s matches: exact when there are few, estimated when many.
    With a `ranking`, an exact count also holds the best matches' ids, ranked in the same statement."""
    limit = exact_limit()
    guess = planner_estimate(queryset)
    read_all = guess <= limit
    exact_read = RowSelection(queryset, limit=limit + 1)
    if read_all:
        # Few, says the planner: read them all (at most limit + 1), count and tally them.
        rows = read_rows(exact_read, with_tallies, tally_up_to=limit, ranking=ranking)
        if rows.count <= limit:
            return _exact(rows)
        guess = 4 * rows.count  # the planner guessed low (a word its statistics do not hold)
    # Many: read the matches in the tier of buckets that should hold about sample_matches() of them.
    buckets = sample_buckets(guess)
    sample = read_rows(sample_of(queryset, buckets), with_tallies, dates=True)
    estimate = round(sample.count * BUCKETS / buckets)
    if estimate <= limit and not read_all:
        # The planner guessed high (phrases, several words): the sample says few, so count them.
        rows = read_rows(exact_read, with_tallies, tally_up_to=limit, ranking=ranking)
        if rows.count <= limit:
            return _exact(rows)
    estimate = max(estimate, limit + 1)
    scale = estimate / sample.count if sample.count else 1.0
    tallies = {name: {value: max(1, round(n * scale)) for value, n in values.items()}
               for name, values in sample.tallies.items()}
    return MatchCount(estimate, True, tallies, sample=list(zip(sample.ids, sample.dates, strict=True)))


def _compiled(queryset) -> tuple[str, list]:
    """`queryset`'s rows as SQL selecting COLUMNS (in that order), compiled once per queryset:
    the planner's EXPLAIN, its sample or exact read and the ranking candidates all start from it,
    and building the SQL is a noticeable part of a search's Python. Raises EmptyResultSet for a
    filter that can match nothing."""
    compiled = queryset.__dict__.get("_search_compiled_sql")
    if compiled is None:
        try:
            compiled = queryset.order_by().values_list(*COLUMNS).query.sql_with_params()
        except EmptyResultSet:
            compiled = EmptyResultSet
        queryset._search_compiled_sql = compiled
    if compiled is EmptyResultSet:
        raise EmptyResultSet
    return compiled


@dataclass
class RowSelection:
    """Some of `queryset`'s rows as SQL over COLUMNS: those meeting `condition` (SQL over the
    columns, with %s for `params`), at most `limit` of them. The condition is written around
    the compiled query, which PostgreSQL flattens into one, so the indexes serve it as if it
    were inside (the sample tiers' partial indexes, the date column of the search index)."""

    queryset: object
    condition: str = ""
    params: list = field(default_factory=list)
    limit: int | None = None
    buckets: int | None = None  # a sample: the rows of the first n buckets (the condition says so too)

    def sql(self) -> tuple[str, list]:
        sql, params = _compiled(self.queryset)
        if self.condition:
            sql = f"SELECT * FROM ({sql}) AS rows_of ({', '.join(COLUMNS)}) WHERE {self.condition}"
            params = [*params, *self.params]
        if self.limit is not None:
            sql += f" LIMIT {int(self.limit)}"
        return sql, params


def sample_of(queryset, buckets: int) -> RowSelection:
    """`queryset`'s rows in the first `buckets` buckets: the expression of the sample tiers'
    partial indexes (migration 0006), so that the tier's index serves them."""
    return RowSelection(queryset, in_buckets("id", buckets), buckets=buckets)


@dataclass
class RowsRead:
    count: int
    ids: list[int] | None  # None when the best ids come ranked instead
    dates: list[datetime.date]
    tallies: dict[str, dict]
    ranked: list[int] | None = None


def read_rows(rows_of: RowSelection, with_tallies: bool, tally_up_to: int | None = None, ranking: Ranking | None = None,
              dates: bool = False) -> RowsRead:
    """The count, ids (and with `dates`, their dates) and facet counts of the rows, in one
    statement.

    The rows are counted and grouped in the database, which sends a few dozen counts and the
    ids and dates as strings: 2,000 rows of six columns cost milliseconds to send and count
    in Python. With `tally_up_to`, more rows than that are only counted (the caller estimates).
    With a `ranking` (and `tally_up_to`), the ids of the best rows come instead of all the
    ids, ranked in the same statement; only when the rows are few, since ranking reads each
    row's vector again."""
    no_tallies = {facet.name: {} for facet in FACETS} if with_tallies else {}
    ranks = ranking is not None and tally_up_to is not None
    try:
        sql, params = rows_of.sql()
    except EmptyResultSet:
        return RowsRead(0, None if ranks else [], [], no_tallies, [] if ranks else None)
    # The rows are counted once (n); the facets and the ranking are only computed when that is few.
    guard = "TRUE" if tally_up_to is None else f"(SELECT total FROM n) <= {int(tally_up_to)}"
    # Ids and dates in the order the rows come: one aggregate step feeds them the same rows in turn.
    listed = ("string_agg(id::text, ',') || ';' || string_agg(date::text, ',')" if dates
              else "NULL" if ranks else "string_agg(id::text, ',')")
    parts = [f"SELECT 0, {listed}, count(*) FROM m"]
    if ranks:
        order = ", ".join(ranking.order)
        best = _ranking_sql(ranking, f"FROM m JOIN {AgendaItem._meta.db_table} a ON a.id = m.id WHERE {guard}")
        parts.append(f"SELECT -1, string_agg(id::text, ',' ORDER BY {order}), count(*) FROM ({best}) best")
        params = [*params, *ranking.params]
    if with_tallies:
        sampled = "" if rows_of.buckets is None else " AND " + in_buckets("o.item_id", rows_of.buckets)
        parts += [f"{facet.tally_sql.format(n=n, sampled=sampled)} HAVING {guard}"
                  for n, facet in enumerate(FACETS, 1)]
    statement = (f"WITH m ({', '.join(COLUMNS)}) AS MATERIALIZED ({sql}), n AS (SELECT count(*) AS total FROM m) "
                 + " UNION ALL ".join(f"({part})" for part in parts))
    with connections[rows_of.queryset.db].cursor() as cursor:
        cursor.execute(statement, params)
        found = cursor.fetchall()
    names, rows = [facet.name for facet in FACETS], RowsRead(0, None if ranks else [], [], no_tallies)
    for facet, value, n in found:
        if facet == -1:
            rows.ranked = [int(i) for i in value.split(",")] if value else []
        elif facet == 0:
            rows.count = n
            if value and dates:
                ids, days = value.split(";")
                rows.ids = [int(i) for i in ids.split(",")]
                rows.dates = [datetime.date.fromisoformat(d) for d in days.split(",")]
            elif value:
                rows.ids = [int(i) for i in value.split(",")]
        else:
            name = names[facet - 1]
            rows.tallies[name][int(value) if FACETS[facet - 1].integer else value] = n
    return rows


def _ranking_sql(ranking: Ranking, rows: str) -> str:
    """The `ranking.top` best of the items `a` that `rows` (FROM … WHERE …) gives: id, date and
    the ranking's columns, best first; %s for `ranking.params` come first.

    Each vector is fetched from TOAST once: a row value (ROW(…)) never holds a pointer into
    TOAST, so forming it fetches the vector, and every column reads it from there (`v`
    directly would be fetched once per use). OFFSET 0
    keeps the row value from being simplified away."""
    ranked = ", ".join(f"{column} AS {name}" for name, column in ranking.columns.items())
    return (f"SELECT id, date, {ranked} FROM (SELECT id, date, (r).f1 AS v FROM ("
            f"SELECT a.id, a.date, ROW(a.search_vector) AS r {rows} OFFSET 0) fetched) vectors "
            f"ORDER BY {', '.join(ranking.order)} LIMIT {int(ranking.top)}")


def rank_ids(ids: list[int], ranking: Ranking, *, using: str) -> list[int]:
    """The ids of the `ranking.top` best of these items, best first (the ranking candidates of
    an estimated search)."""
    if not ids:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(_ranking_sql(ranking, f"FROM {AgendaItem._meta.db_table} a WHERE a.id = ANY(%s::bigint[])"),
                       [*ranking.params, id_array(ids)])
        return [row[0] for row in cursor.fetchall()]


def _exact(rows: RowsRead) -> MatchCount:
    return MatchCount(rows.count, False, rows.tallies, ids=rows.ids, ranked=rows.ranked)


def planner_estimate(queryset) -> int:
    """PostgreSQL's own guess of the number of matches (from its statistics; no rows are read)."""
    try:
        sql, params = _compiled(queryset)
    except EmptyResultSet:
        return 0
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        found = cursor.fetchone()[0]
    found = json.loads(found) if isinstance(found, str) else found
    return int(found[0]["Plan"]["Plan Rows"])


def candidates(queryset, found: MatchCount, phrase: bool = False, dated: bool = False,
               ranking: Ranking | None = None) -> list[int]:
    """The ids of the rank_candidates() newest matches: the set relevance is computed on when
    there are many. With a `ranking`, the ids of its `top` best candidates instead, best first
    (read and ranked in one statement where the candidates come from one read).

    The sample's dates say from which date on about twice that many matches lie; those are read
    through the search index (a date range there costs in proportion to all the items in it) and
    only then sorted (_newest_read_unordered). The read has no ORDER BY, so the planner never
    walks the date index instead, testing item after item. When a narrow filter leaves few
    matches over a long time, every match is read: cheaper than the long date range, unless
    each match costs a phrase check.

    A search `dated` by a year or date filter is the exception: there the filter bounds the
    matches already (a year is one entry of the search index), and the cut-off date bounds them
    further through the date index (DaysBetween), so the planner is left to choose, with ORDER
    BY.
    """
    wanted = rank_candidates()

    def ranked(ids: list[int]) -> list[int]:
        return rank_ids(ids, ranking, using=queryset.db) if ranking else ids

    if dated:
        return ranked(by_date(queryset, found, wanted))
    newest = queryset.order_by("-date", "-id").values_list("id", flat=True)
    dates = sorted((date for _id, date in found.sample), reverse=True)
    if not dates:
        return ranked(list(newest[:wanted]))
    position = _cutoff(dates, wanted, found.count)
    per_match = 80 if phrase else 20  # the cost of reading a match, in items of a date range
    many_days = table_rows(queryset.db) * (position + 1) / len(dates) > per_match * found.count
    if many_days and found.count <= 10 * exact_limit():
        return _newest_read_unordered(RowSelection(queryset), wanted, ranking)[0]
    for cutoff in (dates[position], dates[min(len(dates) - 1, 4 * position + 3)]):  # too few: once more, earlier
        ids, read = _newest_read_unordered(RowSelection(queryset, "date >= %s", [cutoff]), wanted, ranking)
        if read == wanted:
            return ids
    return ranked(list(newest[:wanted]))


def _cutoff(dates: list, wanted: int, count: int) -> int:
    """The position in the sample's sorted `dates` before which about twice `wanted` of the
    `count` matches should lie."""
    return min(len(dates) - 1, math.ceil(len(dates) * 2 * wanted / max(count, 1)) - 1)


def by_date(queryset, found: MatchCount, wanted: int, oldest: bool = False) -> list[int]:
    """The ids of the `wanted` newest (or oldest) matches of an estimated search, in order.

    Read from the days the sample says should hold about twice that many, bounded through the
    date index (DaysBetween); from all the matches only if those days hold fewer. For a search
    bounded by years: left to itself, the planner may combine the search index and the date
    index over the whole year and re-check every match there (a phrase: every match of the year),
    where the days of the page hold a few hundred.
    """
    rows = queryset.order_by(*(("date", "id") if oldest else ("-date", "-id"))).values_list("id", flat=True)
    dates = sorted((date for _id, date in found.sample), reverse=not oldest)
    if dates:
        position = _cutoff(dates, wanted, found.count)
        days = DaysBetween(None, dates[position]) if oldest else DaysBetween(dates[position], None)
        ids = list(rows.filter(days)[:wanted])
        if len(ids) == wanted:
            return ids
    return list(rows[:wanted])


def _newest_read_unordered(rows_of: RowSelection, wanted: int, ranking: Ranking | None = None) -> tuple[list[int], int]:
    """The ids of the `wanted` newest rows (with a `ranking`, of its `top` best among them, best
    first), read as they come and only then sorted, and how many of the newest there were.

    The read is a materialized CTE, so the planner cannot walk the date index instead; the
    sort is the database's (a top-N sort), so only the ids asked for are sent, not every row
    read (up to tens of thousands when a narrow filter has every match read)."""
    try:
        sql, params = rows_of.sql()
    except EmptyResultSet:
        return [], 0
    newest = (f"WITH m AS MATERIALIZED (SELECT date, id FROM ({sql}) AS rows_of ({', '.join(COLUMNS)})), "
              f"c AS (SELECT id FROM m ORDER BY date DESC, id DESC LIMIT {int(wanted)}) ")
    with connections[rows_of.queryset.db].cursor() as cursor:
        if ranking is None:
            cursor.execute(newest + "SELECT id FROM c", params)
            ids = [row_id for (row_id,) in cursor.fetchall()]
            return ids, len(ids)
        # The ranked rows are fewer than the newest: their number comes beside each of them.
        best = _ranking_sql(ranking, f"FROM c JOIN {AgendaItem._meta.db_table} a ON a.id = c.id")
        cursor.execute(newest + f"SELECT id, (SELECT count(*) FROM c) FROM ({best}) best "
                                f"ORDER BY {', '.join(ranking.order)}", [*params, *ranking.params])
        rows = cursor.fetchall()
    return [row_id for row_id, _count in rows], rows[0][1] if rows else 0


_table_rows: dict[str, tuple[float, int]] = {}  # database: (read at, rows)


def table_rows(using: str) -> int:
    """The number of items, as PostgreSQL's statistics have it (no rows are read); read again
    after a minute, since it only guides a choice of plan."""
    read_at, rows = _table_rows.get(using, (-math.inf, 0))
    if time.monotonic() - read_at > 60:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                           [AgendaItem._meta.db_table])
            rows = max(0, cursor.fetchone()[0])
        _table_rows[using] = (time.monotonic(), rows)
    return rows
