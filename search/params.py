"""What a search asks for, as a plain value: built from a query string, or by a program."""

import datetime
from dataclasses import dataclass, field

from django.http import QueryDict

from search.facets import FACET_NAMES, year_span
from search.filters import SearchFilterSet, bounded_int
from search.ranking import SORTS

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 500
# The query string's parameters a search page keeps in its links (toggles, pages, feed, CSV).
STATE_PARAMETERS = ("q", "sort", "date_from", "date_to", "page_size", *FACET_NAMES)


@dataclass
class SearchParams:
    query: str = ""
    sort: str = "relevance"  # one of SORTS
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    facets: dict[str, list[str]] = field(default_factory=dict)  # facet name: the values selected
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    # Only items with a greater id (the items stored since): set by programs, never by a query string.
    newer_than: int | None = None
    # Only items of other municipalities than this one (its code): "lignende punkter".
    other_than_municipality: int | None = None
    # The query string's known parameters as it gave them, for the links that keep its state.
    state: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query) -> "SearchParams":
        """The search a query string asks for (a QueryDict, or a dict of values or lists of
        values); what is not valid is left out."""
        if not isinstance(query, QueryDict):
            given = QueryDict(mutable=True)
            for name, value in query.items():
                given.setlist(name, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
            query = given
        data = SearchFilterSet(query).cleaned()
        sort = data.get("sort") or ""
        return cls(
            query=data.get("q") or "",
            sort=sort if sort in SORTS else "relevance",
            page=bounded_int(query.get("page"), 1, 1, MAX_PAGE),
            page_size=bounded_int(query.get("page_size"), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
            facets={name: data.get(name) or [] for name in FACET_NAMES},
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            state={name: [v for v in query.getlist(name) if v][:20] for name in STATE_PARAMETERS
                   if query.getlist(name)},
        )

    def selected(self, facet: str) -> list[str]:
        return list(self.facets.get(facet) or [])

    @property
    def dated(self) -> bool:
        """Whether a year or a date bounds the search."""
        return bool(self.selected("year") or self.date_from or self.date_to)

    @property
    def year_span(self) -> tuple[datetime.date, datetime.date] | None:
        """From the first day of the earliest selected year to the last day of the latest, or None."""
        return year_span(self.selected("year"))
