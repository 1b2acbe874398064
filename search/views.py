"""The JSON search API (contract: shared/spec/search-api.md)."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from search.service import run_search


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
def api_search(request):
    result = run_search(request, reverse("search:api"))
    return JsonResponse({
        "query": result.query,
        "count": result.count,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "sort": result.sort,
        "results": [result_json(item, result.snippets[item.pk]) for item in result.items],
        "facets": {name: [v.to_json() for v in values] for name, values in result.facets.items()},
        "suggestion": result.suggestion,
    }, json_dumps_params={"ensure_ascii": False})
