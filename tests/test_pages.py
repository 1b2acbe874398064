"""Every page through the Django test client: content, links, closed items, feeds, CSV, i18n, query counts."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from committees.models import Committee, Municipality, Organisation
from minutes.models import AgendaItem, Meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]
ATOM = "{http://www.w3.org/2005/Atom}"


def item(municipality, date, number):
    return AgendaItem.objects.get(municipality__name=municipality, date=date, number=number)


def test_home_has_search_box_newest_meetings_and_navigation(client):
    page = client.get("/").text
    assert 'name="q"' in page and 'action="/soeg/"' in page
    for name in ("Søg", "Kommuner", "Organisationer", "Opfølgning"):
        assert f">{name}</a>" in page
    newest = Meeting.objects.order_by("-date").first()
    assert newest.get_absolute_url() in page
    assert '<a class="skip-link" href="#indhold">' in page and '<main id="indhold"' in page


def test_search_page_shows_results_snippets_facets_and_alternates(client):
    page = client.get("/soeg/", {"q": "Code of Care"}).text
    assert "3 punkter" in page
    assert "<mark>Code</mark>" in page
    assert 'rel="alternate" type="application/atom+xml"' in page and "/soeg/feed.atom?q=Code+of+Care" in page
    assert "/soeg/eksport.csv?q=Code+of+Care" in page
    assert "?q=Code+of+Care&amp;municipality=Slagelse" in page  # a facet toggle
    assert 'class="badge outcome-noted"' in page
    assert "Social- og Beskæftigelsesudvalget · Fredericia" in page


def test_search_page_keeps_the_whole_state_in_the_url(client):
    page = client.get("/soeg/", {"q": "beskæftigelse", "municipality": "Fredericia", "sort": "newest",
                                 "date_from": "2021-01-01", "page_size": "2"}).text
    assert '<input type="hidden" name="municipality" value="Fredericia">' in page
    assert '<option value="newest" selected>' in page
    assert 'value="2021-01-01"' in page
    assert "page=2" in page and 'rel="next"' in page


def test_misspelling_offers_a_one_click_fix(client):
    page = client.get("/soeg/", {"q": "KLAPjb"}).text
    assert 'Mente du <a href="?q=KLAPjob">KLAPjob</a>?' in page


def test_markup_in_the_query_is_escaped(client):
    page = client.get("/soeg/", {"q": "<script>alert(1)</script>"}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_atom_feed_is_valid_and_lists_the_search(client):
    response = client.get("/soeg/feed.atom", {"q": "Code of Care"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    api = client.get("/api/search", {"q": "Code of Care", "sort": "newest"}).json()
    assert len(entries) == api["count"]
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.endswith(r["url"]) for link, r in zip(links, api["results"], strict=True))
    assert feed.find(f"{ATOM}title").text == "Referatsøg: Code of Care"


def test_csv_export_has_all_results_and_named_columns(client):
    response = client.get("/soeg/eksport.csv", {"q": "beskæftigelse"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["kommune", "udvalg", "dato", "nummer", "titel", "punkttype", "udfald", "sagsnummer", "url"]
    assert len(rows) - 1 == client.get("/api/search", {"q": "beskæftigelse"}).json()["count"]


def test_meeting_page_lists_items_and_closed_items_by_number_only(client):
    meeting = Meeting.objects.get(committee__municipality__name="Brønderslev")
    page = client.get(meeting.get_absolute_url()).text
    assert "Byrådssalen, Rådhuset" in page and "19:00" in page
    assert "Hans Kirk (V)" in page
    closed = meeting.items.get(closed=True)
    assert '4. <span class="badge badge-closed">Lukket punkt</span>' in page and "Havnevej" not in page
    assert closed.get_absolute_url() not in page
    open_items = [i.get_absolute_url() for i in meeting.items.filter(closed=False)]
    assert all(url in page for url in open_items)
    assert page.index("Fraværende</a>") < page.index("Godkendelse af dagsorden</a>")  # source order
    assert f"/moede/{meeting.pk}/kilde/" in page


def test_source_document_as_received(client):
    meeting = Meeting.objects.get(committee__municipality__name="Viborg")
    response = client.get(f"/moede/{meeting.pk}/kilde/")
    assert response.content.decode() == meeting.source.text


def test_item_page_shows_sections_decisions_and_context(client):
    social = item("Slagelse", "2024-01-15", "3")
    page = client.get(social.get_absolute_url()).text
    assert page.index("<h2>Kompetence</h2>") < page.index("<h2>Sagens indhold</h2>")
    assert "Taget til efterretning" in page  # outcome badge text for "noted"
    assert Organisation.objects.get(name="Sundinvest").get_absolute_url() in page
    assert "4.133.399 kr." in page
    assert "februar 2025" in page
    assert "Holbæk" in page  # similar: Holbæk's item on Den Sociale Investeringsfond


def test_item_page_shows_decisions_of_several_bodies_with_absences(client):
    page = client.get(item("Brønderslev", "2021-03-24", "3").get_absolute_url()).text
    for body in ("Beskæftigelsesudvalget", "Økonomiudvalget", "Byrådet"):
        assert f"Beslutning: {body}" in page
    assert "<dt>Fraværende</dt><dd>Hans Kirk (V)</dd>" in page


def test_same_case_number_elsewhere(client):
    viborg = item("Viborg", "2022-05-10", "2")
    later_meeting = Meeting.objects.create(committee=viborg.committee, date="2023-01-10", source=viborg.meeting.source)
    AgendaItem.objects.create(meeting=later_meeting, number="4", order=1, title="Jobbro – forlængelse",
                              case_number=viborg.case_number)
    page = client.get(viborg.get_absolute_url()).text
    assert "Samme sag andre steder" in page and "10. januar 2023" in page


def test_municipality_and_committee_pages_list_meetings_by_year(client):
    page = client.get("/kommuner/slagelse/").text
    assert "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget" in page
    assert "<h3>2024 <span class=\"count\">(2 møder)</span></h3>" in page
    committee = Committee.objects.get(municipality__name="Slagelse")
    page = client.get(committee.get_absolute_url()).text
    assert "15. januar 2024" in page and "(6 punkter)" in page


def test_municipality_list_has_all_98(client):
    page = client.get("/kommuner/").text
    assert len(re.findall(r'href="/kommuner/[a-z0-9-]+/"', page)) == 98


def test_organisation_page_is_a_timeline_across_municipalities(client):
    page = client.get("/organisationer/code-of-care/").text
    assert page.index("<h3>2024</h3>") < page.index("<h3>2021</h3>") < page.index("<h3>2019</h3>")
    assert "Fredericia" in page and "Slagelse" in page and "Vesthimmerland" in page
    assert "317.000 kr." in page
    assert "ikke fortsætter efter kontraktens udløb" in page  # Fredericia ended it in 2021


def test_follow_ups_page_flags_overdue_promises(client):
    page = client.get("/opfoelgning/").text
    assert "foråret 2025" in page and "februar 2025" in page
    assert "Forfalden" in page
    assert item("Slagelse", "2024-03-07", "6").get_absolute_url() in page


def test_follow_up_on_the_subject_is_not_overdue(client):
    slagelse = item("Slagelse", "2024-03-07", "6")
    later = Meeting.objects.create(committee=slagelse.committee, date="2025-06-01", source=slagelse.meeting.source)
    status = AgendaItem.objects.create(meeting=later, number="1", order=1, title="Status på Code of Care")
    status.mentions.create(organisation=Organisation.objects.get(name="Code of Care"), sentence="Status.")
    page = client.get("/opfoelgning/").text
    row = page[page.index(slagelse.get_absolute_url()):]
    assert "Fulgt op" in row[:row.index("</tr>")]


def test_a_later_item_of_the_same_case_is_a_follow_up_and_an_unrelated_one_is_not(client):
    slagelse = item("Slagelse", "2024-03-07", "6")
    assert slagelse.case_number
    later = Meeting.objects.create(committee=slagelse.committee, date="2025-06-01", source=slagelse.meeting.source)
    AgendaItem.objects.create(meeting=later, number="1", order=1, title="Noget helt andet")

    def status():
        page = client.get("/opfoelgning/").text
        row = page[page.index(slagelse.get_absolute_url()):]
        return row[:row.index("</tr>")]

    assert "Forfalden" in status()
    AgendaItem.objects.create(meeting=later, number="2", order=2, title="Opfølgning", case_number=slagelse.case_number)
    assert "Fulgt op" in status()


@pytest.mark.parametrize("url", ["/kommuner/atlantis/", "/organisationer/ukendt/", "/moede/999999/",
                                 "/punkt/999999/", "/kommuner/slagelse/ukendt-udvalg/"])
def test_unknown_pages_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_closed_item_is_404_for_the_public_and_visible_to_caseworkers(client, django_user_model):
    closed = AgendaItem.objects.get(closed=True, municipality__name="Holbæk")
    assert client.get(closed.get_absolute_url()).status_code == 404
    caseworker = django_user_model.objects.create_user("sagsbehandler", password="hemmeligt-kodeord-42")
    caseworker.user_permissions.add(Permission.objects.get(codename="view_closed_item"))
    client.force_login(caseworker)
    assert client.get(closed.get_absolute_url()).status_code == 200


def test_language_switch_turns_the_interface_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/soeg/?q=handicap"})
    assert response.status_code == 302
    page = client.get("/soeg/", {"q": "handicap"}).text
    assert '<html lang="en">' in page and ">Search</a>" in page and ">Municipalities</a>" in page
    client.post("/i18n/setlang/", {"language": "da", "next": "/"})
    assert ">Kommuner</a>" in client.get("/").text


def test_pages_use_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    small = Meeting.objects.get(committee__municipality__name="Viborg")  # 3 items
    large = Meeting.objects.get(committee__municipality__name="Fredericia")  # 10 items
    with django_assert_max_num_queries(8):
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(8):
        client.get(large.get_absolute_url())
    for url in ["/", "/soeg/?q=beskæftigelse&page_size=100", "/organisationer/code-of-care/", "/opfoelgning/",
                "/kommuner/fredericia/", item("Slagelse", "2024-01-15", "3").get_absolute_url()]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_static_files_get_hashed_names(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    page = client.get("/").text
    stylesheet = page.split('rel="stylesheet" href="')[1].split('"')[0]
    assert stylesheet.startswith("/static/css/site.") and stylesheet != "/static/css/site.css"
    assert (tmp_path / stylesheet.removeprefix("/static/")).exists()
    assert (tmp_path / (stylesheet.removeprefix("/static/") + ".gz")).exists()


def test_every_municipality_name_resolves_on_its_page(client):
    for municipality in Municipality.objects.filter(name__in=["København", "Vesthimmerland"]):
        assert municipality.official_name in client.get(municipality.get_absolute_url()).text


def test_danish_first_whatever_the_browser_asks_for(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
    assert '<html lang="da">' in page and ">Kommuner</a>" in page


def test_each_feed_request_has_a_feed_of_its_own(monkeypatch, rf):
    """Two feed requests at once (a threaded server) must not see each other's query."""
    import threading

    from django.contrib.auth.models import AnonymousUser

    from search import views
    from search.service import SearchResult

    both_searching = threading.Barrier(2, timeout=10)

    def search_that_waits(params, user, **kwargs):
        both_searching.wait()  # the other request has started too
        return SearchResult(query=params.query, sort="newest", page=1, page_size=50, count=0, items=[])

    monkeypatch.setattr(views, "run", search_that_waits)
    feeds = {}

    def fetch(query):
        request = rf.get("/soeg/feed.atom", {"q": query})
        request.user = AnonymousUser()
        feeds[query] = ET.fromstring(views.search_feed(request).content)

    threads = [threading.Thread(target=fetch, args=(query,)) for query in ("fleksjob", "handicap")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(feeds) == {"fleksjob", "handicap"}
    for query, feed in feeds.items():
        assert feed.find(f"{ATOM}title").text == f"Referatsøg: {query}"
        assert feed.find(f"{ATOM}link").get("href").endswith(f"/soeg/?q={query}")


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted(client):
    viborg = item("Viborg", "2022-05-10", "2")
    AgendaItem.objects.create(meeting=viborg.meeting, number="9", order=9, title='=HYPERLINK("https://x.example","Klik")',
                              case_number="+45 1234")
    AgendaItem.objects.create(meeting=viborg.meeting, number="10", order=10, title="@SUM(A1:A9)", case_number="-2+3")
    AgendaItem.objects.create(meeting=viborg.meeting, number="11", order=11, title="\tFane", case_number="\r=1")
    rows = list(csv.DictReader(io.StringIO(client.get("/soeg/eksport.csv", {"q": ""}).content.decode("utf-8-sig")),
                               delimiter=";"))
    cells = {row["nummer"]: (row["titel"], row["sagsnummer"]) for row in rows if row["udvalg"] == viborg.committee.name}
    assert cells["9"] == ("'=HYPERLINK(\"https://x.example\",\"Klik\")", "'+45 1234")
    assert cells["10"] == ("'@SUM(A1:A9)", "'-2+3")
    assert cells["11"] == ("'\tFane", "'\r=1")
    assert cells["2"] == (viborg.title, viborg.case_number)  # ordinary cells as they are
