"""The search page, its Atom feed and CSV export, and the JSON API (shared/spec/search-api.md)."""

import csv
from dataclasses import replace
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from minutes.limits import rate_limited
from search.facets import FACETS, linked
from search.params import MAX_PAGE_SIZE, SearchParams
from search.ranking import SORTS
from search.service import run

CSV_LIMIT = 10_000
FEED_LIMIT = 50


def result_json(item, snippet: str) -> dict:
    return {
        "url": item.get_absolute_url(),
        "municipality": item.municipality.name,
        "committee": item.committee.name,
        "date": item.date.isoformat(),
        "number": item.number,
        "title": item.title,
        "snippet": snippet,
        "outcome": item.outcome or None,
        "item_type": item.item_type,
    }


@require_GET
@rate_limited("SEARCH_RATE_LIMIT", "search-api", json=True)
def api_search(request):
    result = run(SearchParams.from_query(request.GET), request.user)
    facets = linked(result.facets, reverse("search:api"), result.params.state)
    return JsonResponse({
        "query": result.query,
        "count": result.count,
        "count_is_estimate": result.estimated,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "sort": result.sort,
        "results": [result_json(item, result.snippets[item.pk]) for item in result.items],
        "facets": {name: [v.to_json() for v in values] for name, values in facets.items()},
        "suggestion": result.suggestion,
    }, json_dumps_params={"ensure_ascii": False})


def _state_query(request, drop=("page",)) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


@require_GET
@rate_limited("SEARCH_RATE_LIMIT", "search-page")
def search_page(request):
    result = run(SearchParams.from_query(request.GET), request.user)
    linked(result.facets, reverse("search:page"), result.params.state)
    state = _state_query(request)
    page_state = _state_query(request, drop=("page",))
    return render(request, "search/search.html", {
        "result": result,
        "sorts": SORTS,
        "state": state,
        "page_state": page_state,
        "feed_url": reverse("search:feed") + (f"?{state}" if state else ""),
        "csv_url": reverse("search:csv") + (f"?{state}" if state else ""),
        "facet_titles": {facet.name: facet.title for facet in FACETS},
    })


class SearchFeed(Feed):
    """An Atom feed of a search, newest first: follow "Code of Care" in any feed reader.

    It keeps the request and the snippets on the instance, so every request gets its own
    (search_feed); one shared instance would mix concurrent requests under a threaded server.
    """

    feed_type = Atom1Feed

    def get_object(self, request):
        self.request = request
        params = replace(SearchParams.from_query(request.GET), sort="newest", page_size=FEED_LIMIT, page=1)
        return run(params, request.user, with_facets=False)

    def title(self, result):
        return _("Referatsøg: %(query)s") % {"query": result.query} if result.query else _("Referatsøg: nyeste punkter")

    def link(self, result):
        state = _state_query(self.request, drop=("page", "sort", "page_size"))
        return reverse("search:page") + (f"?{state}" if state else "")

    def subtitle(self, result):
        return _("Dagsordenspunkter fra danske kommuners udvalg")

    def items(self, result):
        self._snippets = result.snippets
        return result.items

    def item_title(self, item):
        return f"{item.municipality.name}, {item.committee.name}: {item.title}"

    def item_description(self, item):
        return strip_tags(self._snippets.get(item.pk, ""))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(12)))

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_categories(self, item):
        return [item.municipality.name, item.committee.name]


@require_GET
@rate_limited("SEARCH_RATE_LIMIT", "search-feed")
def search_feed(request):
    return SearchFeed()(request)


CSV_COLUMNS = ["kommune", "udvalg", "dato", "nummer", "titel", "punkttype", "udfald", "sagsnummer", "url"]


# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): these first characters.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """The value as text a spreadsheet shows as written: a leading formula character gets a quote."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@require_GET
@rate_limited("EXPORT_RATE_LIMIT", "search-csv")
def search_csv(request):
    params = replace(SearchParams.from_query(request.GET), page_size=MAX_PAGE_SIZE)
    result = run(params, request.user, with_facets=False, export_limit=CSV_LIMIT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referatsoeg.csv"'
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for item in result.items:
        writer.writerow([spreadsheet_cell(value) for value in (
            item.municipality.name, item.committee.name, item.date.isoformat(), item.number or "", item.title,
            item.item_type or "", item.outcome, item.case_number, request.build_absolute_uri(item.get_absolute_url()),
        )])
    return response
