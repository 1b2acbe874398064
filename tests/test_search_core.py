"""search.run, the one way into search: plain values in, no request; facets declared once."""

import ast
import datetime
from pathlib import Path

import pytest
from django.http import QueryDict

from minutes.models import AgendaItem
from search import SearchParams, SearchResult, run
from search.facets import FACET_NAMES, FACETS
from search.filters import SearchFilterSet
from search.index import reindex

from builders import committee, item, meeting

ROOT = Path(__file__).resolve().parent.parent


def _indexed(*items) -> None:
    reindex(AgendaItem.objects.filter(pk__in=[i.pk for i in items]))


@pytest.mark.django_db
def test_newer_than_leaves_only_the_items_stored_since():
    first = item(title="Fleksjob i Slagelse")
    watermark = AgendaItem.objects.order_by("-pk").values_list("pk", flat=True).first()
    later = item(meeting(date=datetime.date(2024, 2, 1)), title="Fleksjob og ressourceforløb")
    _indexed(first, later)
    everything = run(SearchParams(query="fleksjob"), None)
    since = run(SearchParams(query="fleksjob", newer_than=watermark), None)
    assert {i.pk for i in everything.items} == {first.pk, later.pk}
    assert [i.pk for i in since.items] == [later.pk] and since.count == 1


def test_newer_than_cannot_come_from_a_query_string():
    params = SearchParams.from_query(QueryDict("q=fleksjob&newer_than=5&other_than_municipality=330"))
    assert params.query == "fleksjob" and params.newer_than is None and params.other_than_municipality is None


def test_params_from_a_query_string_are_plain_values():
    params = SearchParams.from_query({"q": " fleksjob\x07 ", "municipality": ["Slagelse", "Slagelse", ""],
                                      "year": "2024", "sort": "oldest", "page": "3", "page_size": "1000",
                                      "date_from": "ikke en dato", "date_to": "2024-12-31", "unknown": "x"})
    assert params == SearchParams(
        query="fleksjob", sort="oldest", page=3, page_size=100,
        facets={"municipality": ["Slagelse"], "committee": [], "year": ["2024"], "item_type": [], "outcome": [],
                "organisation": []},
        date_to=datetime.date(2024, 12, 31),
        state={"q": [" fleksjob\x07 "], "sort": ["oldest"], "date_from": ["ikke en dato"], "date_to": ["2024-12-31"],
               "page_size": ["1000"], "municipality": ["Slagelse", "Slagelse"], "year": ["2024"]},
    )
    assert SearchParams.from_query({"sort": "x" * 30}).sort == "relevance"


@pytest.mark.django_db
def test_run_needs_no_request_and_hides_closed_items_from_anonymous(django_user_model):
    from django.contrib.auth.models import Permission

    shown = item(title="Fleksjob i Slagelse")
    hidden = item(shown.meeting, number="2", title="Fleksjob, personalesag", closed=True)
    _indexed(shown, hidden)
    caseworker = django_user_model.objects.create(username="sagsbehandler")
    caseworker.user_permissions.add(Permission.objects.get(codename="view_closed_item"))
    anonymous = run(SearchParams(query="fleksjob"), None)
    assert isinstance(anonymous, SearchResult)
    assert [i.pk for i in anonymous.items] == [shown.pk] and anonymous.count == 1
    assert {v.value: v.count for v in anonymous.facets["municipality"]} == {"Slagelse": 1}
    seen = run(SearchParams(query="fleksjob"), caseworker, using="default")
    assert {i.pk for i in seen.items} == {shown.pk, hidden.pk}


@pytest.mark.django_db
def test_every_declared_facet_is_a_parameter_a_filter_a_tally_and_a_column_of_the_api(client):
    slagelse = item(title="Fleksjob i Slagelse", item_type="B")
    viborg = item(meeting(committee("Viborg", "Arbejdsmarkedsudvalget"), date=datetime.date(2023, 5, 2)),
                  title="Fleksjob i Viborg", item_type="O")
    _indexed(slagelse, viborg)
    assert set(SearchFilterSet.base_filters) >= set(FACET_NAMES)
    facets = client.get("/api/search", {"q": "fleksjob"}).json()["facets"]
    assert list(facets) == list(FACET_NAMES)
    for facet in FACETS:
        assert "{n}" in facet.tally_sql and str(facet.title)
    assert run(SearchParams(query="fleksjob", facets={"item_type": ["O"]}), None).items == [viborg]
    assert run(SearchParams(query="fleksjob", facets={"year": ["2024"]}), None).items == [slagelse]
    page = client.get("/soeg/", {"q": "fleksjob"}).text
    shown = [facet for facet in FACETS if facets[facet.name]]
    assert len(shown) == 4 and all(f"<h3>{facet.title}</h3>" in page for facet in shown)


def test_the_models_stand_on_their_own():
    """minutes/models.py imports nothing from search/, at the top or inside a function."""
    tree = ast.parse((ROOT / "minutes" / "models.py").read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in imported if name and name.split(".")[0] == "search"]
