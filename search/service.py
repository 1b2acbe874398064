"""One search request, as the page, the API, the feed and the CSV export all need it."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from minutes.models import AgendaItem
from search import engine, scale
from search.filters import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, SearchFilterSet, bounded_int
from search.index import searchable_text
from search.query import parse


@dataclass
class SearchResult:
    query: str
    sort: str
    page: int
    page_size: int
    count: int
    items: list
    snippets: dict = field(default_factory=dict)
    facets: dict = field(default_factory=dict)
    suggestion: str | None = None
    params: dict = field(default_factory=dict)
    estimated: bool = False  # count and facets are estimates (very common words)
    last_page: int = 1

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size + 1

    @property
    def pages(self) -> int:
        return self.last_page


def request_params(request) -> dict[str, list[str]]:
    """The known parameters of a request, as lists (URL state for toggles and links)."""
    known = ["q", "sort", "date_from", "date_to", "page_size", *engine.FACETS]
    return {name: [v for v in request.GET.getlist(name) if v][:20] for name in known if request.GET.getlist(name)}


def page_snippets(items: list, parsed) -> dict[int, str]:
    """Each shown item's snippet, from its title, sections and decision texts."""
    from minutes.models import Decision

    decisions = defaultdict(list)
    if items:  # one plain statement: the ORM's building of it cost more than the database's answer
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT item_id, text FROM {Decision._meta.db_table} WHERE item_id = ANY(%s::bigint[]) '
                           f'ORDER BY item_id, "order"', [scale.id_array(item.pk for item in items)])
            for item_id, text in cursor.fetchall():
                decisions[item_id].append(text)
    hit_words = engine.HitWords(parsed)  # shared by the page's snippets
    title = not parsed.empty  # a browsed list shows the title already; its snippet starts with the text
    return {
        item.pk: engine.snippet(searchable_text(item.title if title else "", item.sections, decisions[item.pk]),
                                parsed, hit_words=hit_words)
        for item in items
    }


def _page_rows(queryset):
    # The vector is only needed inside the database (rank, title match); not sent for the page,
    # nor is the metadata, which only the item's own page shows.
    return queryset.select_related("municipality", "committee").defer("search_vector", "search_document", "metadata")


def _pages(count: int, page_size: int) -> int:
    return max(1, -(-count // page_size))


def run_search(request, base_url: str, *, with_facets: bool = True, all_results: bool = False,
               limit: int = 10_000) -> SearchResult:
    filterset = SearchFilterSet(request.GET, queryset=AgendaItem.objects.visible_to(request.user))
    parsed = parse(filterset.query)
    sort = filterset.sort_order
    page_size = bounded_int(request.GET.get("page_size"), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    asked_page = bounded_int(request.GET.get("page"), 1, 1, MAX_PAGE)
    matches = engine.matching(filterset.qs, parsed)
    # Lists ordered by date are walked through the date index from the years' last day (or
    # first, oldest first): the year filter itself is an entry of the search index, which the
    # date index cannot use.
    span = filterset.year_span
    walkable = scale.walkable(matches, span)
    # Few matches are ranked as they are read and counted: the page is then fetched by id.
    by_relevance = sort == "relevance" and not parsed.empty and not all_results
    ranking = engine.ranking(parsed, top=asked_page * page_size) if by_relevance else None
    found = scale.plan(matches, with_tallies=with_facets, ranking=ranking)
    count, estimated = found.count, found.estimated
    shown = count  # the items the page is ordered from
    ordered = None  # or: the ids of the matches up to the page asked, in order
    if found.ranked is not None:
        ordered = found.ranked  # ranked already, as they were read
    elif found.ids is not None:
        # Few matches, all known by id: ordering them needs no second text search (phrases are
        # re-checked against the stored text, which is the costly part).
        to_order = scale.items_with_ids(found.ids)
    elif sort == "relevance" and not parsed.empty:
        # Many matches: relevance is computed for the newest candidates, not for every match.
        shown = min(count, scale.rank_candidates())
        # The page asked, or all the candidates for an export (which asked for no ranking above).
        ordered = scale.candidates(walkable, found, phrase=parsed.has_phrase, dated=filterset.dated,
                                   ranking=ranking or engine.ranking(parsed, top=shown))
    elif span and not all_results:
        # Many matches within some years, by date: the sample's dates say which days hold the page.
        ordered = scale.by_date(walkable, found, min(asked_page, _pages(count, page_size)) * page_size,
                                oldest=sort == "oldest")
    else:
        to_order = walkable
    pages = _pages(shown, page_size)
    page = min(asked_page, pages)
    if ordered is not None:
        ids = ordered[:limit] if all_results else ordered[(page - 1) * page_size: page * page_size]
        position = {pk: n for n, pk in enumerate(ids)}
        # In the order given: without the model's own order (by meeting), which costs two joins.
        items = sorted(_page_rows(scale.items_with_ids(ids).order_by()), key=lambda item: position[item.pk])
    else:
        rows = _page_rows(engine.order(to_order, parsed, sort))
        items = list(rows[:limit] if all_results else rows[(page - 1) * page_size: page * page_size])
    snippets = {} if all_results else page_snippets(items, parsed)
    params = request_params(request)
    result = SearchResult(
        query=parsed.text, sort=sort, page=page, page_size=page_size, count=count, items=items,
        snippets=snippets, params=params, estimated=estimated, last_page=pages,
    )
    if with_facets:
        tallies = found.tallies
        result.facets = engine.facet_counts(tallies, filterset.selected(), base_url, params)
        result.suggestion = engine.suggestion(parsed, count)
    return result
