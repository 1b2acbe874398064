"""Edits in the admin reach search: an item's outcome, search document and copied meeting fields follow."""

import datetime
import re

import pytest

from committees.models import Committee, Organisation
from minutes.models import AgendaItem, Decision, Meeting, OrganisationMention
from search import SearchParams, run

from builders import admin_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang"))
    return client


def _item_without_mentions() -> AgendaItem:
    return (AgendaItem.objects.filter(closed=False, mentions__isnull=True, decisions__isnull=False)
            .order_by("pk").first())


def _found(query: str) -> set[int]:
    return {item.pk for item in run(SearchParams(query=query), None, with_facets=False, export_limit=10_000).items}


def test_a_decision_saved_in_the_admin_sets_the_items_outcome_and_is_searchable(admin_client):
    item = _item_without_mentions()
    assert item.pk not in _found("Vindmølleparken")
    last = item.decisions.order_by("order").last()
    response = admin_client.post("/admin/minutes/decision/add/", {
        "item": item.pk, "order": last.order + 1, "body": "Byrådet", "date": "2024-06-01",
        "text": "Afvist. Vindmølleparken skal genovervejes.", "outcome": "rejected", "absent": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.outcome == "rejected"
    assert item.pk in _found("Vindmølleparken")
    decision = Decision.objects.get(item=item, text__startswith="Afvist")
    response = admin_client.post(f"/admin/minutes/decision/{decision.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == last.outcome and item.pk not in _found("Vindmølleparken")


def test_an_organisation_mention_added_in_the_admin_finds_the_item_by_the_organisations_names(admin_client):
    item = _item_without_mentions()
    organisation = Organisation.objects.get(name="Den Sociale Investeringsfond")
    assert "DSI" in organisation.all_names() and item.pk not in _found("DSI")
    response = admin_client.post("/admin/minutes/organisationmention/add/", {
        "item": item.pk, "organisation": organisation.pk, "sentence": "Udvalget vil høre fonden.",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert item.pk in _found("DSI") and item.pk in _found("Den Sociale Investeringsfond")
    mention = OrganisationMention.objects.get(item=item, organisation=organisation)
    admin_client.post(f"/admin/minutes/organisationmention/{mention.pk}/delete/", {"post": "yes"})
    assert item.pk not in _found("DSI")


def test_a_meetings_new_date_and_committee_reach_its_items(admin_client):
    meeting = Meeting.objects.filter(items__closed=False).order_by("pk").first()
    other = Committee.objects.exclude(municipality=meeting.committee.municipality).order_by("pk").first()
    new_date = datetime.date(2019, 3, 14)
    response = admin_client.post(f"/admin/minutes/meeting/{meeting.pk}/change/", {
        "committee": other.pk, "date": new_date.isoformat(), "start_time": "", "end_time": "",
        "location": meeting.location, "kind": meeting.kind, "title": meeting.title,
        "participants": ",".join(meeting.participants), "absent": ",".join(meeting.absent),
        "header": "{}",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    items = list(meeting.items.all())
    assert items and all(i.date == new_date and i.committee_id == other.pk
                         and i.municipality_id == other.municipality_id for i in items)
    shown = _found(other.municipality.name) & {i.pk for i in meeting.items.all()}
    assert shown == {i.pk for i in items if not i.closed}


def test_an_items_title_changed_in_the_admin_is_searchable(admin_client):
    item = _item_without_mentions()
    url = f"/admin/minutes/agendaitem/{item.pk}/change/"
    form = admin_form(admin_client, url)
    assert "decisions-TOTAL_FORMS" in form and item.pk not in _found("Havnebadet")
    response = admin_client.post(url, {**form, "title": "Havnebadet ved Kalvebod", "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert item.pk in _found("Havnebadet")


def test_an_item_moved_to_another_meeting_in_the_admin_takes_that_meetings_date_and_committee(admin_client):
    item = _item_without_mentions()
    other = Meeting.objects.exclude(committee__municipality=item.municipality).order_by("pk").first()
    url = f"/admin/minutes/agendaitem/{item.pk}/change/"
    form = admin_form(admin_client, url)
    response = admin_client.post(url, {**form, "meeting": other.pk, "order": 9999, "number": "", "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert (item.date, item.committee_id, item.municipality_id) == (
        other.date, other.committee_id, other.committee.municipality_id)
    assert item.pk in _found(other.committee.municipality.name)


def test_a_committee_renamed_or_moved_in_the_admin_carries_its_items_along(admin_client):
    from committees.models import Municipality

    committee = Committee.objects.filter(meetings__items__closed=False).order_by("pk").first()
    elsewhere = Municipality.objects.exclude(pk=committee.municipality_id).order_by("pk").first()
    items = set(AgendaItem.objects.filter(committee=committee, closed=False).values_list("pk", flat=True))
    assert items and not items & _found("Søfartsudvalget")
    url = f"/admin/committees/committee/{committee.pk}/change/"
    form = admin_form(admin_client, url)
    response = admin_client.post(url, {**form, "name": "Søfartsudvalget", "slug": "soefartsudvalget",
                                       "municipality": elsewhere.pk, "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _found("Søfartsudvalget") >= items
    assert set(AgendaItem.objects.filter(committee=committee).values_list("municipality_id", flat=True)) == {
        elsewhere.pk}


def test_reindex_items_gives_the_items_that_mention_an_organisation_its_new_alias():
    import io

    from django.core.management import call_command

    organisation = Organisation.objects.get(name="Den Sociale Investeringsfond")
    mentioning = set(AgendaItem.objects.filter(mentions__organisation=organisation, closed=False)
                     .values_list("pk", flat=True))
    assert mentioning and not _found("Investeringskassen")
    organisation.aliases = [*organisation.aliases, "Investeringskassen"]
    organisation.save()
    assert not _found("Investeringskassen")  # the items still hold the old names
    out = io.StringIO()
    call_command("reindex_items", "--organisation", organisation.slug, stdout=out)
    assert _found("Investeringskassen") == mentioning
    assert "punkter genindekseret" in out.getvalue()


@pytest.mark.parametrize("args, message", [
    ([], "Sig hvilke punkter"),
    (["--organisation", "findes-ikke"], "Ukendt organisation: findes-ikke"),
    (["--committee", "987654"], "Ukendt udvalg: 987654"),
])
def test_reindex_items_says_plainly_what_is_wrong(args, message):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("reindex_items", *args)


def test_the_admin_says_how_to_reindex_after_an_organisations_names_change(admin_client):
    organisation = Organisation.objects.get(name="Den Sociale Investeringsfond")
    url = f"/admin/committees/organisation/{organisation.pk}/change/"
    form = admin_form(admin_client, url)
    response = admin_client.post(url, {**form, "aliases": form["aliases"] + ",Investeringskassen",
                                       "_save": "Gem"}, follow=True)
    page = response.content.decode()
    assert f"reindex_items --organisation {organisation.slug}" in page, re.findall(r"errorlist.{0,300}", page)


def test_a_decision_moved_to_another_item_in_the_admin_reindexes_both(admin_client):
    source = _item_without_mentions()
    decision = source.decisions.order_by("order").last()
    target = (AgendaItem.objects.filter(closed=False, decisions__isnull=True).exclude(pk=source.pk)
              .order_by("pk").first())
    url = f"/admin/minutes/decision/{decision.pk}/change/"
    form = admin_form(admin_client, url)
    response = admin_client.post(url, {**form, "item": target.pk, "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    source.refresh_from_db()
    target.refresh_from_db()
    remaining = source.decisions.order_by("order").last()
    assert target.outcome == decision.outcome
    assert source.outcome == (remaining.outcome if remaining else "")
