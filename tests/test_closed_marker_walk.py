"""No closed item's text reaches anyone without minutes.view_closed_item, on any page or export.

A corpus whose closed items each carry marker words (title, body, organisation candidate,
decision, absence, case number, initials; tests/builders.py) is walked through every URL pattern
the project has, the admin's included, with ids and slugs from the corpus and the queries that
would find the markers, as an anonymous visitor, as a logged-in user and as a staff user who
may do everything in the admin but see closed items. A URL pattern the walk does not know how
to fill fails the test, so a new page is walked as soon as it exists.
"""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from committees.models import Committee, Municipality, Organisation
from minutes.models import AgendaItem, Meeting

import builders

pytestmark = pytest.mark.django_db

MARKERS = builders.MARKERS
# Letters need a word start before them (a 4-letter marker could sit inside a random token);
# digits are looked for anywhere (a case number can follow "%2F" in a URL).
_FOUND = {place: re.compile(word if word.isdigit() else rf"(?<![0-9a-zæøå]){word}", re.IGNORECASE)
          for place, word in MARKERS.items()}
# What a user would type to find a marker: its first letters (admin search matches parts of words)
# and a misspelling ("Mente du …?" must not offer the marker).
PROBES = [word[:-1] for word in MARKERS.values()]
# The admin's searches look in titles, decision texts, candidate names and case numbers.
ADMIN_PROBES = [MARKERS[place][:-1] for place in ("title", "decision", "candidate", "case", "later title")]


def leaks(text: str) -> list[str]:
    return [place for place, found in _FOUND.items() if found.search(text)]


@pytest.fixture
def marked(tmp_path, django_user_model):
    """The marked corpus imported, and the Socialudvalget's item closed afterwards in the admin."""
    builders.import_marked_corpus(tmp_path)
    later = AgendaItem.objects.get(title__contains=MARKERS["later title"])
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang"))
    url = f"/admin/minutes/agendaitem/{later.pk}/change/"
    response = admin.post(url, {**builders.admin_form(admin, url), "closed": "on", "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AgendaItem.objects.filter(closed=True).count() == 4


def _users(django_user_model) -> dict[str, Client]:
    member = django_user_model.objects.create_user("medlem", password="Medlem-kode-2024-lang")
    staff = django_user_model.objects.create_user("redaktoer", password="Redaktoer-kode-2024-lang", is_staff=True)
    staff.user_permissions.set(Permission.objects.exclude(codename="view_closed_item"))
    clients = {"anonymous": Client()}
    for name, user in (("member", member), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


# --- Filling every URL pattern ---------------------------------------------------------------------------------
def _patterns(resolver=None, prefix="", namespace=""):
    """(route as written, name with namespace, the pattern) for every URL pattern of the project."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _patterns(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, ":".join(n for n in (namespace, pattern.name or "") if n), pattern


def _corpus_objects(model):
    """The rows of `model` the walk visits: all of the corpus, only its own of the registry tables."""
    if model is Municipality:
        return Municipality.objects.filter(committees__meetings__isnull=False).distinct()
    if model is Organisation:
        return Organisation.objects.filter(mentions__isnull=False).distinct()
    return model.objects.all()


def _fillings(route: str, name: str, pattern) -> list[dict]:
    """Every set of values to put into the route's parameters."""
    model_admin = getattr(pattern.callback, "model_admin", None)
    parameters = set(re.findall(r"\(\?P<(\w+)>", route)) or set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    if not parameters:
        return [{}]
    if model_admin is not None and parameters == {"object_id"}:
        return [{"object_id": pk} for pk in _corpus_objects(model_admin.model).values_list("pk", flat=True)]
    match name:
        case "minutes:meeting" | "minutes:meeting_source":
            return [{"pk": pk} for pk in Meeting.objects.values_list("pk", flat=True)]
        case "minutes:item":
            return [{"pk": pk} for pk in AgendaItem.objects.values_list("pk", flat=True)]
        case "committees:municipality":
            return [{"slug": slug} for slug in _corpus_objects(Municipality).values_list("slug", flat=True)]
        case "committees:committee":
            return [{"municipality": c.municipality.slug, "slug": c.slug}
                    for c in Committee.objects.select_related("municipality")]
        case "committees:organisation":
            return [{"slug": slug} for slug in _corpus_objects(Organisation).values_list("slug", flat=True)]
        case "admin:view_on_site":
            return [{"content_type_id": ContentType.objects.get_for_model(model).pk, "object_id": pk}
                    for model in (Meeting, AgendaItem) for pk in model.objects.values_list("pk", flat=True)]
        case "admin:auth_user_password_change":
            return [{"id": pk} for pk in get_user_model().objects.values_list("pk", flat=True)]
        case "admin:app_list":
            return [{"app_label": label} for label in re.search(r"\(\?P<app_label>([^)]*)\)", route)[1].split("|")]
        case "password_reset_confirm":
            return [{"uidb64": "MQ", "token": "set-password"}]
        case "admin":  # the admin's catch-all: an unknown address under /admin/
            return [{"url": "ukendt-side/"}]
    raise AssertionError(f"the walk does not know how to fill {route} ({name}): add it to _fillings")


def _url(route: str, values: dict) -> str:
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), route)  # regular expressions first
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), url)
    return "/" + url.replace("^", "").replace("$", "")


def _queries(name: str) -> list[dict]:
    """The query strings each page is asked with, besides none."""
    if name in ("search:page", "search:feed", "search:csv", "search:api"):
        misspelt = " ".join(PROBES[:10]), " ".join(PROBES[10:])  # each word of a query gets a suggestion
        return [
            *({"q": q} for q in ("", "Code of Care", "Godkendt", "Slagelse", *misspelt)),
            {"organisation": "code-of-care"},
            {"page_size": "100", "sort": "newest"},
            *({"committee": str(pk)} for pk in Committee.objects.values_list("pk", flat=True)),
        ]
    if name == "minutes:follow_ups":
        return [{"status": "overdue"}]
    if name.endswith("_changelist"):
        return [{"q": probe} for probe in ADMIN_PROBES]
    if name == "admin:autocomplete":
        return [{"app_label": "minutes", "model_name": "organisationmention", "field_name": "organisation",
                 "term": term} for term in ("", "Code", *ADMIN_PROBES)]
    return []


def _walk():
    """Every URL with its query strings, filled from the corpus."""
    for route, name, pattern in _patterns():
        for values in _fillings(route, name, pattern):
            url = _url(route, values)
            assert resolve(url.split("?")[0]).func == pattern.callback, url
            for query in [{}, *_queries(name)]:
                yield url, query


# --- The tests -------------------------------------------------------------------------------------------------
def test_no_closed_item_marker_on_any_page_or_export(marked, django_user_model):
    clients = _users(django_user_model)
    walked, found = 0, []
    for url, query in _walk():
        for who, client in clients.items():
            response = client.get(url, query)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            walked += 1
            for place in leaks(body.decode("utf-8", "replace") + response.get("Location", "")):
                found.append(f"{who} {url} {query}: the {place} marker")
    assert walked > 1000  # every pattern was filled (a silent empty walk proves nothing)
    assert found == [], "\n".join(found)


def test_searching_for_a_marker_finds_nothing_and_suggests_nothing(marked, django_user_model):
    for who, client in _users(django_user_model).items():
        for word in MARKERS.values():
            data = client.get("/api/search", {"q": word}).json()
            assert data.pop("query") == word
            assert (who, word, data["count"], leaks(json.dumps(data, ensure_ascii=False))) == (who, word, 0, [])


def test_a_caseworker_sees_the_markers(marked, client, django_user_model):
    caseworker = django_user_model.objects.create_user("bent", password="Sagsbehandler-kode-2024")
    caseworker.groups.add(Group.objects.get(name="Sagsbehandlere"))
    client.force_login(caseworker)
    full = AgendaItem.objects.get(title__contains=MARKERS["title"])
    page = client.get(full.get_absolute_url()).text
    assert set(leaks(page)) >= {"title", "body", "decision", "absent", "case"}
    later = AgendaItem.objects.get(title__contains=MARKERS["later title"])
    assert set(leaks(client.get(later.get_absolute_url()).text)) >= {
        "later title", "later body", "later decision", "later absent", "later case"}
    similar = AgendaItem.objects.get(municipality__name="Fredericia")
    assert "title" in leaks(client.get(similar.get_absolute_url()).text)  # "Lignende punkter"
    assert "initials" in leaks(client.get(f"/moede/{full.meeting_id}/kilde/").text)
