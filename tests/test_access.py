"""Closed items stay with caseworkers on every surface; logins are limited; headers are strict; input is safe."""

import logging
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from committees.models import Organisation
from minutes.models import AgendaItem, Meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

SECRET = "Zylofonprojektet"
CLOSED_MEETING = f"""Økonomiudvalget – Referat – 12. februar 2024

1. Godkendelse af dagsorden (B)

Beslutning

Godkendt.

2. Personalesag om {SECRET} (B) (Lukket)

Sagsnr.: 24-000999

Lukket

Sagens indhold

Slagelse Kommune har aftalt med Code of Care, at {SECRET} koster 99.000 kr.

Beslutning

Godkendt. Udvalget ser frem til at modtage en status i foråret 2027.
"""


@pytest.fixture
def closed_item(tmp_path):
    path = tmp_path / "oekonomiudvalget.txt"
    path.write_text(CLOSED_MEETING)
    call_command("import_referater", str(path), verbosity=0, stdout=open("/dev/null", "w"))
    return AgendaItem.objects.get(title__contains=SECRET)


@pytest.fixture
def caseworker(client, django_user_model):
    user = django_user_model.objects.create_user("bent", password="Sagsbehandler-kode-2024")
    user.groups.add(Group.objects.get(name="Sagsbehandlere"))
    return user


def as_caseworker(client, caseworker):
    client.force_login(caseworker)
    return client


def test_closed_item_is_stored_closed_with_its_content(closed_item):
    assert closed_item.closed and closed_item.case_number == "24-000999"
    assert closed_item.amounts.get().kroner == 99000


def test_search_results_and_counts(client, closed_item, caseworker):
    data = client.get("/api/search", {"q": SECRET}).json()
    assert data["count"] == 0 and data["results"] == []
    anonymous_total = client.get("/api/search", {"q": "Godkendt"}).json()["count"]
    staff = as_caseworker(client, caseworker).get("/api/search", {"q": SECRET}).json()
    assert [r["title"] for r in staff["results"]] == [closed_item.title]
    closed_approvals = AgendaItem.objects.filter(closed=True, decisions__text__icontains="godkendt").distinct()
    assert closed_item in closed_approvals
    assert client.get("/api/search", {"q": "Godkendt"}).json()["count"] == anonymous_total + closed_approvals.count()


def test_facets(client, closed_item, caseworker):
    facets = client.get("/api/search", {"q": "", "page_size": 1}).json()["facets"]
    assert "Slagelse" in {v["value"] for v in facets["municipality"]}  # Slagelse has other open items
    slagelse = next(v for v in facets["municipality"] if v["value"] == "Slagelse")
    open_count = AgendaItem.objects.filter(municipality__name="Slagelse", closed=False).count()
    assert slagelse["count"] == open_count
    staff = as_caseworker(client, caseworker).get("/api/search", {"q": "", "page_size": 1}).json()["facets"]
    assert next(v for v in staff["municipality"] if v["value"] == "Slagelse")["count"] == open_count + 1


def test_snippets_and_the_search_page(client, closed_item):
    page = client.get("/soeg/", {"q": "Code of Care"}).text
    assert SECRET not in page and "99.000" not in page


def test_suggestions(client, closed_item):
    suggestion = client.get("/api/search", {"q": "Zylofonprojekte"}).json()["suggestion"]
    assert SECRET not in (suggestion or "")


def test_atom_feed(client, closed_item, caseworker):
    assert SECRET not in client.get("/soeg/feed.atom", {"q": "Godkendt"}).content.decode()
    assert SECRET in as_caseworker(client, caseworker).get("/soeg/feed.atom", {"q": SECRET}).content.decode()


def test_csv_export(client, closed_item, caseworker):
    assert SECRET not in client.get("/soeg/eksport.csv", {"q": ""}).content.decode("utf-8-sig")
    assert SECRET in as_caseworker(client, caseworker).get("/soeg/eksport.csv", {"q": ""}).content.decode("utf-8-sig")


def test_organisation_pages(client, closed_item, caseworker):
    assert SECRET not in client.get("/organisationer/code-of-care/").text
    listing = client.get("/organisationer/").text
    open_mentions = Organisation.objects.get(name="Code of Care").mentions.filter(item__closed=False).count()
    assert re.search(rf"Code of Care</a> <span class=\"count\">\({open_mentions} punkter", listing)
    assert SECRET in as_caseworker(client, caseworker).get("/organisationer/code-of-care/").text


def test_follow_up_page(client, closed_item, caseworker):
    assert "foråret 2027" not in client.get("/opfoelgning/").text
    assert "foråret 2027" in as_caseworker(client, caseworker).get("/opfoelgning/").text


def test_similar_items(client, closed_item):
    fredericia_code_of_care = AgendaItem.objects.get(municipality__name="Fredericia", title="Code of Care")
    assert SECRET not in client.get(fredericia_code_of_care.get_absolute_url()).text


def test_item_url_and_meeting_page(client, closed_item, caseworker):
    assert client.get(closed_item.get_absolute_url()).status_code == 404
    meeting_page = client.get(closed_item.meeting.get_absolute_url()).text
    assert '2. <span class="badge badge-closed">Lukket punkt</span>' in meeting_page  # by number only
    assert SECRET not in meeting_page
    assert closed_item.get_absolute_url() not in meeting_page and "99.000" not in meeting_page
    assert client.get(f"/moede/{closed_item.meeting_id}/kilde/").status_code == 403
    staff = as_caseworker(client, caseworker)
    assert "99.000 kr." in staff.get(closed_item.get_absolute_url()).text
    assert SECRET in staff.get(f"/moede/{closed_item.meeting_id}/kilde/").content.decode()


def test_login_page_is_danish(client):
    page = client.get("/accounts/login/").text
    assert "Log ind for sagsbehandlere" in page and 'for="id_username"' in page


def test_repeated_wrong_passwords_lock_the_account_and_are_logged(client, caseworker, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "bent", "password": "forkert"})
        assert response.status_code in (200, 429)
    locked = client.post("/accounts/login/", {"username": "bent", "password": "Sagsbehandler-kode-2024"})
    assert locked.status_code == 429
    assert "For mange forkerte forsøg" in locked.text
    assert "_auth_user_id" not in client.session
    assert any("lock" in record.getMessage().lower() for record in caplog.records)


def test_a_correct_password_logs_in(client, caseworker):
    response = client.post("/accounts/login/", {"username": "bent", "password": "Sagsbehandler-kode-2024"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(caseworker.pk)


def test_admin_needs_staff_and_logs_changes(client, caseworker, django_user_model):
    assert client.get("/admin/").status_code == 302
    client.force_login(caseworker)
    assert client.get("/admin/").status_code == 302  # a caseworker is not staff
    admin = django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang")
    client.force_login(admin)
    organisation = Organisation.objects.get(name="Zendoo")
    response = client.post(f"/admin/committees/organisation/{organisation.pk}/change/", {
        "name": "Zendoo", "slug": "zendoo", "kind": "social_enterprise", "aliases": "Zendoo ApS", "website": "",
    })
    assert response.status_code == 302
    assert LogEntry.objects.filter(object_id=str(organisation.pk), user=admin).exists()


@pytest.mark.parametrize("url", ["/", "/soeg/?q=Code+of+Care", "/organisationer/code-of-care/", "/opfoelgning/",
                                 "/kommuner/", "/accounts/login/"])
def test_pages_satisfy_the_content_security_policy(client, url):
    page = client.get(url).text
    for script in re.findall(r"<script\b[^>]*>", page):
        assert "nonce=" in script or "src=" in script, script
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)
    assert not re.search(r"(?:src|href)=\"https?://", page)  # nothing from other hosts


def test_markup_in_imported_text_is_escaped(client, tmp_path):
    path = tmp_path / "markup.txt"
    path.write_text("Økonomiudvalget – Referat – 1. marts 2024\n\n1. <b>Fed</b> titel (B)\n\nSagens indhold\n\n"
                    "Slagelse Kommune <script>alert('x')</script>\n\nBeslutning\n\nGodkendt.\n")
    call_command("import_referater", str(path), verbosity=0, stdout=open("/dev/null", "w"))
    item = AgendaItem.objects.get(title__contains="Fed")
    page = client.get(item.get_absolute_url()).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Fed&lt;/b&gt;" in page
    assert "<script>" not in client.get("/soeg/", {"q": "alert"}).text


PARAMETERS = st.dictionaries(
    st.sampled_from(["q", "page", "page_size", "year", "municipality", "committee", "outcome", "item_type",
                     "organisation", "date_from", "date_to", "sort", "unknown"]),
    st.one_of(st.text(max_size=300), st.integers(-10**12, 10**12).map(str), st.just("\x00"), st.just("'\"<>)(")),
    max_size=6,
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=PARAMETERS)
def test_random_queries_and_parameters_never_give_a_server_error(client, params):
    for url in ("/api/search", "/soeg/"):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params)


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=PARAMETERS)
def test_random_parameters_on_feed_and_csv(client, params):
    assert client.get("/soeg/feed.atom", params).status_code == 200
    assert client.get("/soeg/eksport.csv", params).status_code == 200


HOSTILE = "Zyxbobletegn'); DELETE FROM minutes_meeting; --"


@pytest.mark.parametrize("url", ["/api/search", "/soeg/", "/soeg/feed.atom", "/soeg/eksport.csv"])
def test_search_words_reach_the_database_only_as_parameters(client, url):
    """Whatever a query holds, it is bound as a parameter, never written into the SQL text."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, repr(params)))
        return execute(sql, params, many, context)

    meetings = Meeting.objects.count()
    with connection.execute_wrapper(record):
        assert client.get(url, {"q": f"Godkendelse {HOSTILE}", "organisation": HOSTILE}).status_code == 200
    assert [sql for sql, _ in statements if "zyxbobletegn" in sql.casefold() or "DELETE" in sql.upper()] == []
    assert any("zyxbobletegn" in params.casefold() for _, params in statements)  # the words did reach it
    assert Meeting.objects.count() == meetings
