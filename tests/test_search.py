"""Danish search over the seeds and format examples: judgments, Danish cases, syntax, facets, safety."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from minutes.models import AgendaItem
from search import planner, ranking, run
from search.danish import index_lexemes, query_lexemes, tokens
from search.facets import filter_items
from search.index import reindex
from search.models import Word
from search.params import SearchParams
from search.query import clean, parse
from search.sql import DaysBetween

JUDGMENTS = json.loads((Path(__file__).parent / "data" / "relevance" / "queries.json").read_text())
DANISH_CASES = json.loads((Path(__file__).parent / "data" / "relevance" / "danish_cases.json").read_text())

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]


def key(item) -> str:
    """municipality/date/number, as the judgments name items (notes have no number)."""
    base = f"{item.municipality.name}/{item.date.isoformat()}"
    return f"{base}/{item.number}" if item.number else base


def searched(query, sort="relevance", **filters) -> list[AgendaItem]:
    """Every match an anonymous visitor sees, in the search's order (all results, as the CSV)."""
    params = SearchParams(query=query, sort=sort, facets=filters)
    return run(params, None, with_facets=False, export_limit=10_000).items


def found(query, **filters) -> list[str]:
    return [key(i) for i in searched(query, **filters)]


def top10(query) -> list[str]:
    """The first page of ten, as the search page and the API show it."""
    return [key(i) for i in run(SearchParams(query=query, page_size=10), None).items]


def ordered_matches(query, sort="relevance"):
    """The matches ordered in the ORM (search.ranking.order), to check the planner's SQL ranking by."""
    parsed = parse(query)
    return ranking.order(ranking.matching(AgendaItem.objects.visible_to(None), parsed), parsed, sort)


# Known misses, each named: with the five examples added on 2026-12-07 in the corpus, items whose
# title has the word ("Indsatser for …", "…virksomhedsrettede indsats") or a compound of it
# ("integrationsindsatsen") rank above the long Slagelse/2024-01-15/3 (the word 22 times in its
# body) and the short Holbæk/2023-11-02/114 (once). Title matches rank first by design; the one
# search path (search.run, issue 24) ranks as the ORM path did. Strict: the test says when these pass.
KNOWN_MISSES = {"indsats", "indsatserne"}
ALL_JUDGMENTS = [
    pytest.param(j, marks=pytest.mark.xfail(strict=True, reason="ranking of broad words, see KNOWN_MISSES"))
    if j["q"] in KNOWN_MISSES else j
    for j in JUDGMENTS["queries"] + DANISH_CASES["queries"]
]


def _judgment_id(judgment) -> str:
    return (judgment if isinstance(judgment, dict) else judgment.values[0])["q"]


@pytest.mark.parametrize("judgment", ALL_JUDGMENTS, ids=[_judgment_id(j) for j in ALL_JUDGMENTS])
def test_relevance_judgments(judgment):
    first = top10(judgment["q"])
    for target in judgment["relevant"]:
        assert target in first, f"{target} not in the first 10 for {judgment['q']!r}: {first}"


def test_search_quality_counts_the_judgments_found_by_the_search_itself():
    """The command measures search.run's first page, the page users see: what the judgments test."""
    out = io.StringIO()
    call_command("search_quality", str(Path(__file__).parent / "data" / "relevance" / "queries.json"), stdout=out)
    lines = out.getvalue().splitlines()
    expected = sum(target in top10(j["q"]) for j in JUDGMENTS["queries"] for target in j["relevant"])
    total = sum(len(j["relevant"]) for j in JUDGMENTS["queries"])
    assert lines[-1].split()[:3] == ["recall@10", "ours", f"{expected}/{total}"]
    assert len(lines) == len(JUDGMENTS["queries"]) + 1


@pytest.mark.parametrize("case", JUDGMENTS["suggestions"], ids=[c["q"] for c in JUDGMENTS["suggestions"]])
def test_suggestion_judgments(client, case):
    assert client.get("/api/search", {"q": case["q"]}).json()["suggestion"] == case["expect"]


def test_misspelling_suggests_the_indexed_word(client):
    assert client.get("/api/search", {"q": "fleksjpb"}).json()["suggestion"] == "fleksjob"
    assert client.get("/api/search", {"q": "fleksjob"}).json()["suggestion"] is None


# --- Danish inflection -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("variants", "lexeme"),
    [
        (["indsats", "indsatsen", "indsatser"], "indsats"),
        (["lønnet", "lønnede"], "lønne"),
        (["virksomhed", "virksomhedernes", "virksomheder"], "virksomhed"),
    ],
)
def test_inflected_forms_share_a_lexeme(variants, lexeme):
    for variant in variants:
        assert lexeme in index_lexemes(variant), variant
        assert lexeme in query_lexemes(variant), variant


def test_an_inflected_query_finds_other_inflections():
    assert "Slagelse/2024-01-15/3" in found("indsatserne")  # the text says "indsatsen", "indsatser"
    assert set(found("lønnede")) == set(found("lønnet")) != set()


# --- Compounds -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("compound", "part"),
    [
        ("integrationsindsatsen", "integration"),
        ("kontanthjælpsmodtagere", "kontanthjælp"),
        ("sygedagpengeindsatsen", "sygedagpenge"),
        ("beskæftigelsesindsatsen", "beskæftigelse"),
        ("virksomhedspraktik", "virksomhed"),
    ],
)
def test_compounds_are_indexed_under_their_parts(compound, part):
    assert part in index_lexemes(compound)


def test_compound_parts_are_searchable():
    assert "Vesthimmerland/2019-09-30" in found("sygedagpenge")  # "sygedagpengeindsatsen"
    assert "Slagelse/2024-01-15/3" in found("kontanthjælp")  # "kontanthjælpsmodtagere"


def test_common_words_are_not_split_into_fragments():
    assert index_lexemes("virksomhed") == {"virksomhed"}
    assert "ind" not in index_lexemes("indsatsen")


def test_hyphenated_and_joined_forms_meet():
    assert found("Arnepension") == found("Arne-pension") == ["Slagelse/2024-01-15/2"]
    assert {"arnepensionen", "arnepension", "pension"} <= index_lexemes("Arne-pensionen")


def test_suspended_hyphen_is_completed():
    assert "kontanthjælpsområdet" in tokens("kontanthjælps- og integrationsområdet")
    assert "Slagelse/2024-01-15/2" in found("kontanthjælpsområdet")


@pytest.mark.parametrize("word", ["317", "2024", "27-512345", "00-01-00-3-21", "1'2", "12-", "-7", "0"])
def test_a_word_without_letters_is_its_own_lemma_as_simplemma_says(word):
    import simplemma

    from search.danish import LOW_MEMORY, lemma

    assert lemma(word) == simplemma.lemmatize(word, lang="da", low_memory=LOW_MEMORY).casefold() == word


def test_a_case_number_is_indexed_whole_joined_and_by_its_pieces():
    assert index_lexemes("27-512345") == {"27-512345", "27512345", "27", "512345"}


def test_the_full_and_the_compact_dictionary_give_every_word_the_same_lexemes():
    """The importer indexes with simplemma's compact dictionary; a web process analyses queries
    and snippets with the full one (minutes/wsgi.py). They must agree on every word."""
    from search import danish

    root = Path(__file__).parent.parent
    paths = [*(root / "fixtures" / "referater").glob("*.txt"), *(root / "tests" / "data" / "importer").glob("*/in.txt")]
    texts = [path.read_bytes().decode("utf-8", errors="replace") for path in paths]
    words = sorted({word for text in texts for word in tokens(text)})
    assert len(words) > 2_000

    def lexemes():
        return {word: (index_lexemes(word), query_lexemes(word)) for word in words}

    compact = lexemes()
    try:
        danish.warm_up(low_memory=False)
        assert index_lexemes.cache_info().currsize == 0  # computed again, not remembered
        full = lexemes()
    finally:
        danish.warm_up(low_memory=True)
    assert danish.LOW_MEMORY and index_lexemes.cache_info().currsize == 0
    assert full == compact


def test_a_web_process_loads_the_lexicon_and_the_full_dictionary_as_it_starts():
    import importlib
    import sys

    from search import danish

    danish.known_words.cache_clear()
    sys.modules.pop("minutes.wsgi", None)
    try:
        importlib.import_module("minutes.wsgi")
        assert danish.LOW_MEMORY is False
        assert danish.known_words.cache_info().currsize == 1 and danish.lemma.cache_info().currsize > 0
    finally:
        danish.warm_up(low_memory=True)
    assert danish.LOW_MEMORY


# --- Aliases, look-alike letters, æ/ø/å --------------------------------------------------------------
def test_abbreviation_finds_the_full_name_and_back():
    with_full_name = set(found("Den Sociale Investeringsfond"))
    assert {"Slagelse/2024-01-15/3", "Holbæk/2023-11-02/114"} <= set(found("DSI"))
    assert set(found("DSI")) <= with_full_name
    assert set(found("STAR")) == set(found("Styrelsen for Arbejdsmarked og Rekruttering"))
    assert "Fredericia/2021-03-24/6" in found("STAR")  # the text says "Styrelsen for Rekruttering og Arbejdsmarked"


def test_lookalike_letters_are_searchable():
    assert found("hjørnestenen") == ["Vesthimmerland/2019-09-30"]  # printed with Cyrillic е, с, т


def test_danish_letters_stay_distinct():
    assert query_lexemes("møde").isdisjoint(query_lexemes("mode"))
    assert query_lexemes("får").isdisjoint(query_lexemes("far"))
    assert found("møde") != [] and set(found("mode")) != set(found("møde"))


# --- Web search syntax ------------------------------------------------------------------------------
def test_phrase_needs_the_words_together():
    assert "Slagelse/2024-01-15/3" in found('"social investering"')
    assert found('"investering social"') == []


def test_or_widens_and_exclusion_narrows():
    zendoo, klapjob = set(found("Zendoo")), set(found("KLAPjob"))
    assert set(found("Zendoo OR KLAPjob")) == zendoo | klapjob
    assert set(found("Code of Care -Fredericia")) == set(found("Code of Care")) - set(found("Fredericia"))


def test_empty_query_browses_newest_first():
    items = searched("")
    assert [i.date for i in items] == sorted((i.date for i in items), reverse=True)
    assert len(items) == AgendaItem.objects.filter(closed=False).count()


def test_sort_orders():
    newest = [i.date for i in searched("beskæftigelse", sort="newest")]
    assert newest == sorted(newest, reverse=True)
    oldest = [i.date for i in searched("beskæftigelse", sort="oldest")]
    assert oldest == sorted(oldest)


def test_title_matches_rank_first():
    results = searched("Powerjobsøgerne")
    assert "Powerjobsøgerne" in results[0].title


@pytest.mark.parametrize(("query", "in_some_title"), [
    ("Powerjobsøgerne", True), ("code of care", True), ('"Code of Care" fleksjob', False),
    ("beskæftigelse -fleksjob", True), ("KLAPjob OR Zendoo", True), ('"social investering"', True),
])
def test_title_match_is_the_query_on_the_title_weight(query, in_some_title):
    """The weight-restricted query finds the same title matches as the query on the vector's
    A-weighted part (ts_filter), item by item, with phrases, alternatives and exclusions."""
    from django.db import connection

    from search.ranking import TITLE_WEIGHTS, title_match_sql

    parsed = parse(query)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, ts_filter(search_vector, '{{a}}') @@ %s::tsquery, "
                       f"{title_match_sql('search_vector', '%s::tsquery')} FROM minutes_agendaitem",
                       [parsed.tsquery(), parsed.tsquery(TITLE_WEIGHTS)])
        rows = cursor.fetchall()
    assert rows and all(filtered == weighted for _id, filtered, weighted in rows)
    assert any(weighted for *_, weighted in rows) == in_some_title


# --- Filters and facets ---------------------------------------------------------------------------------
def test_filters_combine():
    assert set(found("beskæftigelse", municipality=["Fredericia"], outcome=["noted"])) == {
        k for k in found("beskæftigelse", municipality=["Fredericia"]) if k in found("beskæftigelse", outcome=["noted"])
    }
    assert found("", year=["2019"]) == ["Vesthimmerland/2019-09-30"]
    assert set(found("", organisation=["code-of-care"])) == set(found("Code of Care"))


def test_facet_counts_add_up(client):
    data = client.get("/api/search", {"q": "beskæftigelse"}).json()
    for facet in ("municipality", "committee", "year"):
        assert sum(v["count"] for v in data["facets"][facet]) == data["count"], facet
    assert sum(v["count"] for v in data["facets"]["outcome"]) <= data["count"]


def test_facet_counts_are_the_counts_of_the_matches(client):
    """Each facet value counts the matching items that have it (the database tallies them)."""
    from collections import Counter

    from minutes.models import OrganisationMention

    data = client.get("/api/search", {"q": "beskæftigelse"}).json()
    matches = list(ranking.matching(AgendaItem.objects.visible_to(None), parse("beskæftigelse"))
                   .select_related("municipality"))
    mentioned = OrganisationMention.objects.filter(item__in=matches).values_list("organisation__slug", flat=True)
    expected = {
        "municipality": Counter(i.municipality.name for i in matches),
        "committee": Counter(str(i.committee_id) for i in matches),
        "year": Counter(str(i.date.year) for i in matches),
        "item_type": Counter(i.item_type for i in matches if i.item_type),
        "outcome": Counter(i.outcome for i in matches if i.outcome),
        "organisation": Counter(mentioned),
    }
    assert data["count"] == len(matches) and not data["count_is_estimate"]
    for facet, counts in expected.items():
        assert {v["value"]: v["count"] for v in data["facets"][facet]} == counts, facet
    assert expected["organisation"] and expected["outcome"]


def test_the_most_frequent_facet_values_are_shown_equal_counts_by_name(client, monkeypatch):
    from search import facets

    every = sorted(client.get("/api/search", {"q": "beskæftigelse"}).json()["facets"]["committee"],
                   key=lambda v: (-v["count"], v["label"]))
    # The cut falls among equal counts.
    cut = next(n for n in range(1, len(every)) if every[n - 1]["count"] == every[n]["count"])
    monkeypatch.setattr(facets, "FACET_VALUES", cut)
    shown = client.get("/api/search", {"q": "beskæftigelse"}).json()["facets"]["committee"]
    assert [v["label"] for v in shown] == [v["label"] for v in every[:cut]]


def test_a_municipality_is_filtered_by_name_or_slug(client):
    from committees.models import Municipality

    fredericia = Municipality.objects.get(name="Fredericia")
    by_name = client.get("/api/search", {"q": "beskæftigelse", "municipality": "Fredericia"}).json()
    by_slug = client.get("/api/search", {"q": "beskæftigelse", "municipality": fredericia.slug}).json()
    assert by_name["count"] == by_slug["count"] > 0
    assert {r["municipality"] for r in by_slug["results"]} == {"Fredericia"}
    assert client.get("/api/search", {"q": "beskæftigelse", "municipality": "Atlantis"}).json()["count"] == 0


def test_selected_value_stays_visible_at_zero(client):
    data = client.get("/api/search", {"q": "Zendoo", "municipality": "Viborg"}).json()
    assert data["count"] == 0
    assert data["facets"]["municipality"] == [
        {"value": "Viborg", "label": "Viborg", "count": 0, "selected": True, "toggle_url": "/api/search?q=Zendoo"}
    ]


def test_facet_labels_follow_changes(client):
    from committees.models import Committee, Organisation

    def labels(facet, q="Code of Care"):
        return {v["label"] for v in client.get("/api/search", {"q": q}).json()["facets"][facet]}

    assert "Code of Care" in labels("organisation")
    organisation = Organisation.objects.get(slug="code-of-care")
    organisation.name = "Code of Care ApS"
    organisation.save()  # saved in this process: shown at once
    assert "Code of Care ApS" in labels("organisation")
    # Changed behind this process's back (another worker, an import): a committee it has never
    # seen is read at once.
    item = searched("Code of Care")[0]
    moved = Committee.objects.bulk_create([Committee(municipality_id=item.municipality_id, name="Nyt Udvalg")])[0]
    AgendaItem.objects.filter(pk=item.pk).update(committee=moved)
    assert f"Nyt Udvalg ({item.municipality.name})" in labels("committee")


def test_toggle_urls_add_and_remove(client):
    data = client.get("/api/search", {"q": "handicap"}).json()
    fredericia = next(v for v in data["facets"]["municipality"] if v["value"] == "Fredericia")
    assert fredericia["toggle_url"] == "/api/search?q=handicap&municipality=Fredericia"
    narrowed = client.get(fredericia["toggle_url"]).json()
    assert {r["municipality"] for r in narrowed["results"]} == {"Fredericia"}


# --- The API contract --------------------------------------------------------------------------------------
def test_api_follows_the_contract(client):
    data = client.get("/api/search", {"q": "code of care"}).json()
    assert set(data) >= {"query", "count", "page", "results", "facets", "suggestion"}
    assert data["query"] == "code of care" and data["page"] == 1
    assert set(data["facets"]) == {"municipality", "committee", "year", "item_type", "outcome", "organisation"}
    first = data["results"][0]
    assert set(first) >= {"url", "municipality", "committee", "date", "number", "title", "snippet", "outcome"}
    assert "<mark>Code</mark>" in " ".join(r["snippet"] for r in data["results"])
    assert client.get(first["url"]).status_code == 200


def test_page_size_is_capped(client):
    data = client.get("/api/search", {"page_size": "100000"}).json()
    assert data["page_size"] == 100


def test_snippets_mark_inflected_and_compound_hits(client):
    data = client.get("/api/search", {"q": "integration"}).json()
    snippets = " ".join(r["snippet"] for r in data["results"])
    assert "<mark>integrationsområdet</mark>" in snippets or "<mark>integrationsbehov</mark>" in snippets


# --- Closed items ------------------------------------------------------------------------------------------
def test_closed_items_are_invisible_to_anonymous_users(client):
    AgendaItem.objects.filter(title="Samarbejdsaftale med Powerjobsøgerne").update(closed=True)
    data = client.get("/api/search", {"q": "Powerjobsøgerne"}).json()
    assert [r["municipality"] for r in data["results"]] == ["Fredericia"]
    assert data["count"] == 1
    assert [v["value"] for v in data["facets"]["municipality"]] == ["Fredericia"]
    browse = client.get("/api/search", {"q": "", "page_size": 100}).json()
    assert "Personsag" not in {r["title"] for r in browse["results"]}
    assert browse["count"] == AgendaItem.objects.filter(closed=False).count()


def test_words_only_in_closed_items_are_never_suggested(client):
    # "Havnevej" is printed only in the title of Brønderslev's closed item 4.
    assert not Word.objects.filter(word="havnevej").exists()
    assert "Havnevej" not in (client.get("/api/search", {"q": "Havnevj"}).json()["suggestion"] or "")


# --- Hostile input -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE minutes_agendaitem; --", "<script>alert(1)</script>", "x" * 5000, "a\x00b", '"unbalanced',
     "((((", "!!! & | <->", "-", "OR OR OR", "\\", "æøå' :* ", "'"],
)
def test_hostile_queries_answer_cleanly(client, query):
    response = client.get("/api/search", {"q": query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["query"] == clean(query)


@pytest.mark.parametrize(
    "params",
    [{"page": "-1"}, {"page": "abc"}, {"page": "99999999999999"}, {"page_size": "0"}, {"year": "99999"},
     {"date_from": "2021-13-45"}, {"date_to": "0001-01-01"}, {"municipality": "Atlantis"}, {"committee": "x"},
     {"outcome": "maybe"}, {"item_type": "Z"}, {"sort": "sideways"}, {"organisation": "<b>"}],
)
def test_hostile_parameters_answer_cleanly(client, params):
    assert client.get("/api/search", {"q": "handicap", **params}).status_code == 200


def test_query_count_stays_flat_as_results_grow(client, django_assert_num_queries, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as few:
        assert client.get("/api/search", {"q": "handicap", "page_size": 1}).json()["count"] >= 3
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/search", {"q": "beskæftigelse", "page_size": 100}).json()["results"]) > 10


def test_api_sort_parameter_orders_results(client):
    dates = [r["date"] for r in client.get("/api/search", {"q": "beskæftigelse", "sort": "oldest"}).json()["results"]]
    assert dates == sorted(dates)
    dates = [r["date"] for r in client.get("/api/search", {"q": "beskæftigelse", "sort": "newest"}).json()["results"]]
    assert dates == sorted(dates, reverse=True)


def test_the_database_keeps_the_vector_and_stores_the_document_once():
    item = AgendaItem.objects.get(municipality__name="Viborg", number="2")
    assert item.search_document is None and "'jobbro':" in str(item.search_vector)
    AgendaItem.objects.filter(pk=item.pk).update(search_document="'nyt':1A")
    item.refresh_from_db()
    assert str(item.search_vector) == "'nyt':1A" and item.search_document is None
    reindex(AgendaItem.objects.filter(pk=item.pk))
    assert "Viborg/2022-05-10/2" in found("jobbro")


def test_above_the_exact_limit_counts_and_facets_are_estimates(client, settings):
    settings.SEARCH_EXACT_LIMIT = 3
    settings.SEARCH_RANK_CANDIDATES = 5
    exact = ordered_matches("beskæftigelse").count()
    data = client.get("/api/search", {"q": "beskæftigelse", "page_size": 100}).json()
    assert data["count_is_estimate"] is True and data["count"] >= 4
    assert len(data["results"]) == 5  # ranked among the five newest matches
    dates = sorted((r["date"] for r in data["results"]), reverse=True)
    newest = sorted((str(i.date) for i in ordered_matches("beskæftigelse")), reverse=True)[:5]
    assert dates == newest and exact > 5
    page = client.get("/soeg/", {"q": "beskæftigelse"}).text
    assert "ca. " in page


def test_facets_of_a_sample_are_counted_over_the_sample_of_the_matches(client, settings, monkeypatch):
    """With every bucket in the sample (scaled by 1), the estimated facets are the matches' own counts."""
    from collections import Counter

    settings.SEARCH_EXACT_LIMIT = 3
    settings.SEARCH_SAMPLE_MATCHES = 10**9
    monkeypatch.setattr(planner, "SAMPLE_TIERS", (planner.BUCKETS,))
    data = client.get("/api/search", {"q": "fleksjob"}).json()
    assert data["count_is_estimate"] is True
    matches = ordered_matches("fleksjob")
    expected = Counter(matches.values_list("municipality__name", flat=True))
    assert set(expected) < set(AgendaItem.objects.values_list("municipality__name", flat=True))  # not all
    assert {v["value"]: v["count"] for v in data["facets"]["municipality"]} == expected


def test_below_the_exact_limit_everything_is_exact(client):
    data = client.get("/api/search", {"q": "beskæftigelse"}).json()
    assert data["count_is_estimate"] is False
    assert data["count"] == ordered_matches("beskæftigelse").count()


def test_a_sample_of_every_bucket_estimates_exactly_what_the_exact_path_counts(settings, monkeypatch):

    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse("beskæftigelse"))
    exact = planner.count_matches(matches)
    assert not exact.estimated and exact.count == matches.count() > 3
    # Force the sampled path, with every bucket in the sample: scaled by 1, it must agree.
    settings.SEARCH_EXACT_LIMIT = 3
    settings.SEARCH_SAMPLE_MATCHES = 10**9
    monkeypatch.setattr(planner, "SAMPLE_TIERS", (planner.BUCKETS,))
    sampled = planner.count_matches(matches)
    assert sampled.estimated and sampled.count == exact.count
    assert sampled.tallies == exact.tallies
    assert sorted(i for i, _ in sampled.sample) == sorted(matches.values_list("id", flat=True))
    # The cut-off date from the sample still gives exactly the newest matches as ranking candidates.
    settings.SEARCH_RANK_CANDIDATES = 3
    newest = list(matches.order_by("-date", "-id").values_list("id", flat=True)[:3])
    assert sorted(planner.candidates(matches, sampled)) == sorted(newest)
    # Read and ranked in one statement: the same as ranking the candidates read alone.
    best_ranking = ranking.ranking(parse("beskæftigelse"), top=2)
    best = planner.candidates(matches, sampled, ranking=best_ranking)
    assert len(best) == 2 and best == planner.rank_ids(newest, best_ranking, using="default")
    # Also when the table is so large that every match is read rather than a date range, and
    # for a search bounded by a year or date, where the planner may walk the date index.
    monkeypatch.setattr(planner, "table_rows", lambda using: 10**12)
    assert sorted(planner.candidates(matches, sampled)) == sorted(newest)
    assert planner.candidates(matches, sampled, ranking=best_ranking) == best
    assert sorted(planner.candidates(matches, sampled, dated=True)) == sorted(newest)
    assert planner.candidates(matches, sampled, dated=True, ranking=best_ranking) == best
    # The newest and the oldest matches in order, read from the days the sample points at.
    oldest = list(matches.order_by("date", "id").values_list("id", flat=True)[:3])
    assert planner.by_date(matches, sampled, 3) == newest
    assert planner.by_date(matches, sampled, 3, oldest=True) == oldest


def test_an_estimated_search_in_a_year_lists_by_date_like_the_exact_one(client, settings):
    years = sorted({d.year for d in AgendaItem.objects.filter(closed=False).values_list("date", flat=True)})
    asked = {"q": "beskæftigelse", "year": [str(y) for y in years]}
    exact = {sort: client.get("/api/search", {**asked, "sort": sort, "page_size": 100}).json()
             for sort in ("newest", "oldest")}
    assert exact["newest"]["count_is_estimate"] is False and exact["newest"]["count"] > 4
    settings.SEARCH_EXACT_LIMIT = 3  # estimated from here on: the page comes from the sample's days
    for sort in ("newest", "oldest"):
        for page in (1, 2):
            data = client.get("/api/search", {**asked, "sort": sort, "page": page, "page_size": 2}).json()
            assert data["count_is_estimate"] is True
            expected = exact[sort]["results"][(page - 1) * 2:page * 2]
            assert [r["url"] for r in data["results"]] == [r["url"] for r in expected], (sort, page)


@pytest.mark.parametrize("buckets", [1, 2, 4, 8, 16, 32])
def test_each_sample_tier_has_an_index_of_its_own(buckets):
    """A sample (the matches in the first n buckets) is read from the partial index holding just
    those buckets' items (migration 0006), with no bucket range for GIN to gather."""
    from django.db import connection


    assert buckets in planner.SAMPLE_TIERS and planner.sample_buckets(10**9) == 1
    with connection.cursor() as cursor:
        # Enough items for the planner to tell the tiers apart (among the seeds' few dozen it
        # expects one row from any index), and its statistics of the bucket expression.
        cursor.execute(
            'INSERT INTO minutes_agendaitem ("order", title, item_type, case_number, closed, sections, metadata, '
            "date, outcome, search_document, committee_id, municipality_id, meeting_id) "
            "SELECT 1000 + g, title, item_type, case_number, false, '[]', '{}', date, outcome, %s, "
            "committee_id, municipality_id, meeting_id FROM minutes_agendaitem, generate_series(1, 20000) g "
            "WHERE id = (SELECT min(id) FROM minutes_agendaitem)", ["'beskæftigelse':1"])
        # The new entries wait in each GIN index's pending list, which the planner costs as read
        # whole, until (auto)vacuum moves them into the index; as after an import, do it now.
        cursor.execute("SELECT gin_clean_pending_list(indexrelid) FROM pg_index JOIN pg_class c ON c.oid = indexrelid "
                       "JOIN pg_am am ON am.oid = c.relam WHERE indrelid = 'minutes_agendaitem'::regclass "
                       "AND am.amname = 'gin'")
        cursor.execute("ANALYZE minutes_agendaitem")
    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse("beskæftigelse"))
    sql, params = planner.sample_of(matches, buckets).sql()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # ANALYZE wrote the table's size (pg_class) in place, which the rollback does not undo:
        # without the rows again, so that later tests' planner guesses see the table as it is.
        cursor.execute('DELETE FROM minutes_agendaitem WHERE "order" > 1000')
        cursor.execute("ANALYZE minutes_agendaitem")
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert f"on item_sample_{buckets} " in plan and "@@" in index_condition and "hashint8" not in index_condition
    assert not any("Filter" in line and "hashint8" in line for line in plan.splitlines()), plan


@pytest.mark.parametrize("buckets", [1, 32])
def test_a_samples_organisations_are_looked_up_in_the_small_index_of_the_sample_buckets(buckets):
    """minutes/0007: the mentions of the first 32 buckets' items have an index of their own, which
    a sample's organisation facet uses (its bucket condition implies the index's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext


    assert planner.SAMPLE_TIERS[-1] == 32
    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse(""))
    with CaptureQueriesContext(connection) as queries:
        planner.read_rows(planner.sample_of(matches, buckets), True, dates=True)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"(on|using) mention_sample\b", plan) and "mention_unique_per_item" not in plan, plan


def test_a_samples_organisation_counts_are_its_items_mentions(monkeypatch):
    from collections import Counter

    from minutes.models import OrganisationMention

    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse(""))
    for buckets in (32, 512):  # 512: beyond the small index, so that the seeds' items are in the sample
        sample = planner.read_rows(planner.sample_of(matches, buckets), True, dates=True)
        mentioned = Counter(OrganisationMention.objects.filter(item_id__in=sample.ids)
                            .values_list("organisation_id", flat=True))
        assert sample.tallies["organisation"] == dict(mentioned)
    assert mentioned  # the larger sample holds items with organisations


def test_a_sample_takes_the_tier_that_should_hold_about_the_matches_wanted(settings):

    settings.SEARCH_SAMPLE_MATCHES = 500
    assert planner.sample_buckets(600_000) == 1  # 1 bucket of 1,024 should hold about 586
    assert planner.sample_buckets(400_000) == 1  # 391: nearer to 500 than 2 buckets' 781
    assert planner.sample_buckets(300_000) == 2  # 293 or 586
    assert planner.sample_buckets(30_000) == 16  # 469
    assert planner.sample_buckets(20_000) == 32  # 313 or 625
    assert planner.sample_buckets(3_000) == planner.SAMPLE_TIERS[-1] == 32  # never more


def test_a_search_without_a_sample_is_served_by_the_whole_index():

    plan = _plan_of(ranking.matching(AgendaItem.objects.order_by(), parse("beskæftigelse")).values("id"),
                    "enable_seqscan")
    assert "on item_search" in plan and "item_sample" not in plan, plan


def test_the_search_index_serves_a_municipality_filter():
    """The filter compares the municipality as the column's own type (smallint): an integer
    literal would leave the index's municipality column unused and the filter to the rows."""
    from django.db import connection


    municipality = AgendaItem.objects.values_list("municipality__name", flat=True).first()
    matches = ranking.matching(filter_items(AgendaItem.objects.order_by(), {"municipality": [municipality]}),
                              parse("beskæftigelse"))
    sql, params = matches.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        # Only the search index may serve the filter (the plain index on the column is dropped,
        # inside the test's transaction).
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'minutes_agendaitem' "
                       "AND indexdef LIKE '%%btree (municipality_id)%%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "item_search" in plan and "municipality_id" in index_condition and "@@" in index_condition, plan


def _plan_of(queryset, *settings_off) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in settings_off:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_index_serves_a_year_filter():
    """A year is one entry of the search index (migration 0005), not a date range: btree_gin would
    read a range from each bound to the end of the table, at a million items 100-250 ms."""

    matches = ranking.matching(filter_items(AgendaItem.objects.order_by(), {"year": ["2019"]}), parse("beskæftigelse"))
    plan = _plan_of(matches.values("id"), "enable_seqscan")
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "item_search" in plan and "EXTRACT(year FROM date)" in index_condition and "@@" in index_condition, plan
    assert "date >=" not in index_condition and "date <=" not in index_condition, plan


def test_a_year_is_listed_by_date_through_the_date_index(client):
    """Browsing a year newest or oldest first: that year's items, in order, and the date index can
    start at the year's bounds (not walk from the newest item of all, filtering every row)."""
    import datetime


    years = sorted({d.year for d in AgendaItem.objects.filter(closed=False).values_list("date", flat=True)})
    chosen = [str(years[0]), str(years[-1])]
    expected = list(AgendaItem.objects.filter(closed=False, date__year__in=[int(y) for y in chosen])
                    .order_by("-date", "-id").values_list("id", flat=True))
    newest = client.get("/api/search", {"year": chosen, "sort": "newest", "page_size": 100}).json()
    oldest = client.get("/api/search", {"year": chosen, "sort": "oldest", "page_size": 100}).json()
    assert newest["count"] == oldest["count"] == len(expected)
    newest_dates = [r["date"] for r in newest["results"]]
    assert newest_dates == sorted(newest_dates, reverse=True) and len(newest_dates) == min(100, len(expected))
    assert [r["date"] for r in oldest["results"]] == sorted(newest_dates)[:len(oldest["results"])]

    first, last = datetime.date(int(chosen[0]), 1, 1), datetime.date(int(chosen[-1]), 12, 31)
    walk = (filter_items(AgendaItem.objects.all(), {"year": chosen}).filter(DaysBetween(first, last))
            .order_by("-date", "-id")[:20])
    plan = _plan_of(walk, "enable_seqscan", "enable_bitmapscan", "enable_sort")
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "item_date_desc" in plan and "ROW(date, id) <=" in index_condition, plan


def test_a_planner_guess_too_low_ranks_nothing_and_falls_back_to_the_estimate(client, settings, monkeypatch):

    settings.SEARCH_EXACT_LIMIT = 3
    monkeypatch.setattr(planner, "planner_estimate", lambda queryset: 1)  # "few", says the planner
    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse("beskæftigelse"))
    found = planner.count_matches(matches, ranking=ranking.ranking(parse("beskæftigelse"), top=20))
    assert found.estimated and found.ranked is None and found.count > 3
    data = client.get("/api/search", {"q": "beskæftigelse"}).json()
    assert data["count_is_estimate"] and len({r["url"] for r in data["results"]}) == len(data["results"]) > 3


def test_few_matches_are_ranked_as_they_are_read_with_one_text_search(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext


    query = "beskæftigelse"
    matches = ranking.matching(AgendaItem.objects.visible_to(None), parse(query))
    found = planner.count_matches(matches)
    assert not found.estimated and sorted(found.ids) == sorted(matches.values_list("id", flat=True))
    with CaptureQueriesContext(connection) as queries:
        data = client.get("/api/search", {"q": query, "page_size": 100}).json()
    assert data["count"] == len(found.ids) == len(data["results"]) > 10
    # One statement searches the text (the planner's guess aside), ranking as it reads; the
    # page is then fetched by id.
    searched = [q["sql"] for q in queries.captured_queries
                if '"search_vector" @@' in q["sql"] and not q["sql"].startswith("EXPLAIN")]
    assert len(searched) == 1 and "ts_rank" in searched[0], searched
    # In the order of the search itself, page by page.
    expected = [item.get_absolute_url() for item in ordered_matches(query)]
    assert [r["url"] for r in data["results"]] == expected
    second = client.get("/api/search", {"q": query, "page_size": 5, "page": 2}).json()
    assert [r["url"] for r in second["results"]] == expected[5:10]
    beyond = client.get("/api/search", {"q": query, "page_size": 5, "page": 400}).json()
    assert beyond["page"] == beyond["pages"] > 2
    assert [r["url"] for r in beyond["results"]] == expected[(beyond["pages"] - 1) * 5:]


def test_snippet_shows_the_passage_with_the_most_hits():
    from search.snippets import snippet

    filler = " ".join(["ord"] * 60)
    text = f"Fleksjob nævnes her. {filler} Fleksjob og fleksjob samt flere fleksjob. {filler}"
    shown = snippet(text, parse("fleksjob"), words=10)
    assert shown.startswith("… ") and shown.endswith(" …")
    assert shown.count("<mark>") == 3, shown
