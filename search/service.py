"""search.run: the one way into search, for the pages, the API, the feed, the CSV, "lignende
punkter", commands and tests. It takes plain values (SearchParams, a user) and never a request."""

from dataclasses import dataclass, field

from minutes.models import AgendaItem
from search import planner
from search.facets import FacetValue, facet_values, filter_items
from search.params import SearchParams
from search.query import parse
from search.ranking import matching, order, ranking
from search.snippets import page_snippets
from search.sql import within_days
from search.suggestions import suggestion


@dataclass
class SearchResult:
    query: str
    sort: str
    page: int
    page_size: int
    count: int
    items: list
    snippets: dict = field(default_factory=dict)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    params: SearchParams = field(default_factory=SearchParams)
    estimated: bool = False  # count and facets are estimates (very common words)
    last_page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def pages(self) -> int:
        return self.last_page


def filtered_items(params: SearchParams, user, *, using: str | None = None):
    """The items `user` may see that the filters of `params` leave (the query not yet applied)."""
    items = AgendaItem.objects.using(using).visible_to(user)
    if params.date_from:
        items = items.filter(date__gte=params.date_from)
    if params.date_to:
        items = items.filter(date__lte=params.date_to)
    items = filter_items(items, params.facets)
    if params.newer_than is not None:
        items = items.filter(pk__gt=params.newer_than)
    if params.other_than_municipality is not None:
        items = items.exclude(municipality_id=params.other_than_municipality)
    return items


def _page_rows(queryset):
    # The vector is only needed inside the database (rank, title match); not sent for the page,
    # nor is the metadata, which only the item's own page shows.
    return queryset.select_related("municipality", "committee").defer("search_vector", "search_document", "metadata")


def _pages(count: int, page_size: int) -> int:
    return max(1, -(-count // page_size))


def run(params: SearchParams, user, *, using: str | None = None, with_facets: bool = True,
        export_limit: int | None = None) -> SearchResult:
    """The page of items matching `params` that `user` may see, with the count, facets, snippets and
    a suggestion. `using`: the database alias (else the router's choice). `with_facets=False`
    leaves out the facets and the suggestion (a feed). `export_limit`: all the results instead of a
    page, up to that many, without snippets (the CSV)."""
    parsed = parse(params.query)
    sort = params.sort
    all_results = export_limit is not None
    page_size, asked_page = params.page_size, params.page
    matches = matching(filtered_items(params, user, using=using), parsed)
    alias = matches.db
    # Lists ordered by date are walked through the date index from the years' last day (or
    # first, oldest first): the year filter itself is an entry of the search index, which the
    # date index cannot use.
    span = params.year_span
    walkable = within_days(matches, span)
    # Few matches are ranked as they are read and counted: the page is then fetched by id.
    by_relevance = sort == "relevance" and not parsed.empty and not all_results
    best = ranking(parsed, top=asked_page * page_size) if by_relevance else None
    found = planner.count_matches(matches, with_tallies=with_facets, ranking=best)
    count, estimated = found.count, found.estimated
    shown = count  # the items the page is ordered from
    ordered = None  # or: the ids of the matches up to the page asked, in order
    if found.ranked is not None:
        ordered = found.ranked  # ranked already, as they were read
    elif found.ids is not None:
        # Few matches, all known by id: ordering them needs no second text search (phrases are
        # re-checked against the stored text, which is the costly part).
        to_order = planner.items_with_ids(found.ids, using=alias)
    elif sort == "relevance" and not parsed.empty:
        # Many matches: relevance is computed for the newest candidates, not for every match.
        shown = min(count, planner.rank_candidates())
        # The page asked, or all the candidates for an export (which asked for no ranking above).
        ordered = planner.candidates(walkable, found, phrase=parsed.has_phrase, dated=params.dated,
                                     ranking=best or ranking(parsed, top=shown))
    elif span and not all_results:
        # Many matches within some years, by date: the sample's dates say which days hold the page.
        ordered = planner.by_date(walkable, found, min(asked_page, _pages(count, page_size)) * page_size,
                                  oldest=sort == "oldest")
    else:
        to_order = walkable
    pages = _pages(shown, page_size)
    page = min(asked_page, pages)
    if ordered is not None:
        ids = ordered[:export_limit] if all_results else ordered[(page - 1) * page_size: page * page_size]
        position = {pk: n for n, pk in enumerate(ids)}
        # In the order given: without the model's own order (by meeting), which costs two joins.
        rows = _page_rows(planner.items_with_ids(ids, using=alias).order_by())
        items = sorted(rows, key=lambda item: position[item.pk])
    else:
        rows = _page_rows(order(to_order, parsed, sort))
        items = list(rows[:export_limit] if all_results else rows[(page - 1) * page_size: page * page_size])
    result = SearchResult(
        query=parsed.text, sort=sort, page=page, page_size=page_size, count=count, items=items,
        snippets={} if all_results else page_snippets(items, parsed, using=alias), params=params,
        estimated=estimated, last_page=pages,
    )
    if with_facets:
        result.facets = facet_values(found.tallies, params.facets)
        result.suggestion = suggestion(parsed, count, using=alias)
    return result
