"""Matching and ranking: the query's matches, ordered by relevance or by date."""

from dataclasses import dataclass

from django.db.models import BooleanField, F, FloatField, Func, Value
from django.utils.translation import gettext_lazy as _

from search.query import ParsedQuery

# Weights for D, C, B, A (PostgreSQL's order): title and organisations count most.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
RANK_NORMALISATION = 1  # divide by 1 + log(document length)
TITLE_WEIGHTS = "A"  # the weight of the title and the organisations in the vector
SORTS = {"relevance": _("Relevans"), "newest": _("Nyeste først"), "oldest": _("Ældste først")}
# Title and organisation matches first, then rank, then the newest: one list for order() and for
# the ranking in SQL (ranking()).
RELEVANCE_ORDER = ("-title_match", "-rank", "-date", "-id")


class TsQuery(Func):
    """A tsquery from its text form; the text comes from search.query and is always well formed."""

    template = "%(expressions)s::tsquery"
    output_field = FloatField()  # never selected; only used inside other expressions


class Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


def title_match_sql(vector: str, title_query: str) -> str:
    """Whether the A-weighted part of the vector (title, organisations) matches the query, given
    as `title_query` = parsed.tsquery(TITLE_WEIGHTS). That is ts_filter(vector, '{a}') @@ query,
    without building the filtered copy of every vector (a third of the cost of ranking)."""
    return f"({vector} @@ {title_query})"


def rank_sql(vector: str, query: str) -> str:
    return f"ts_rank('{RANK_WEIGHTS}', {vector}, {query}, {RANK_NORMALISATION})"


class TitleMatches(Func):
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        vector, query = (compiler.compile(e) for e in self.source_expressions)
        return title_match_sql(vector[0], query[0]), [*vector[1], *query[1]]


class Rank(Func):
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        vector, query = (compiler.compile(e) for e in self.source_expressions)
        return rank_sql(vector[0], query[0]), [*vector[1], *query[1]]


def matching(queryset, parsed: ParsedQuery):
    """`queryset` narrowed to the items the query matches (all of them for an empty query)."""
    if parsed.empty:
        return queryset
    return queryset.filter(Matches(F("search_vector"), TsQuery(Value(parsed.tsquery()))))


def order(queryset, parsed: ParsedQuery, sort: str = "relevance"):
    """Order matched items: by relevance (title and organisation matches first), or by date."""
    if parsed.empty:
        order_by = ["date", "id"] if sort == "oldest" else ["-date", "-id"]
        return queryset.order_by(*order_by)
    queryset = queryset.annotate(
        rank=Rank(F("search_vector"), TsQuery(Value(parsed.tsquery()))),
        title_match=TitleMatches(F("search_vector"), TsQuery(Value(parsed.tsquery(TITLE_WEIGHTS)))),
    )
    if sort == "newest":
        return queryset.order_by("-date", "-id")
    if sort == "oldest":
        return queryset.order_by("date", "id")
    return queryset.order_by(*RELEVANCE_ORDER)


@dataclass
class Ranking:
    """How to rank matches in SQL, best first, and how many of the best to return."""

    columns: dict[str, str]  # name: SQL over an item's vector as `v`, with %s for `params`
    params: list
    order: list[str]  # the columns above, id or date, each with ASC or DESC
    top: int


def ranking(parsed: ParsedQuery, top: int) -> Ranking:
    """The relevance order of order() in SQL over an item's vector as `v`, for the planner to rank
    the `top` best rows of the matches it reads."""
    columns = {"title_match": title_match_sql("v", "%s::tsquery"), "rank": rank_sql("v", "%s::tsquery")}
    sql_order = [f"{name[1:]} DESC" if name.startswith("-") else f"{name} ASC" for name in RELEVANCE_ORDER]
    return Ranking(columns, [parsed.tsquery(TITLE_WEIGHTS), parsed.tsquery()], sql_order, top)
