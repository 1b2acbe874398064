"""Model constraints and the municipality fixture."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import IntegrityError, transaction

from committees.models import Committee, Municipality, Region

import builders

pytestmark = pytest.mark.django_db


def test_no_duplicate_committee_per_municipality():
    builders.committee("Slagelse", "Social- og Beskæftigelsesudvalget")
    with pytest.raises(IntegrityError), transaction.atomic():
        Committee.objects.create(municipality=Municipality.objects.get(name="Slagelse"),
                                 name="Social- og Beskæftigelsesudvalget")
    # The same name in another municipality is another committee.
    builders.committee("Fredericia", "Social- og Beskæftigelsesudvalget")
    assert Committee.objects.filter(name="Social- og Beskæftigelsesudvalget").count() == 2


def test_committee_name_is_folded_and_slug_spells_danish_letters():
    committee = builders.committee("Holbæk", "Udvalget  for Voksne\nog Handicap")
    assert committee.name == "Udvalget for Voksne og Handicap"
    other = builders.committee("Holbæk", "Økonomiudvalget")
    assert other.slug == "oekonomiudvalget"


def test_no_duplicate_item_number_per_meeting():
    meeting = builders.meeting()
    builders.item(meeting, number="3", title="Indgået aftale om social investering")
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.item(meeting, number="3", title="Et andet punkt")


def test_items_without_number_may_share_a_meeting():
    meeting = builders.meeting()
    builders.item(meeting, number=None, title="Opsamling på studietur")
    builders.item(meeting, number=None, title="Bilag")
    assert meeting.items.count() == 2


def test_no_two_meetings_of_a_committee_on_one_day():
    first = builders.meeting()
    with pytest.raises(IntegrityError), transaction.atomic():
        builders.meeting(first.committee, first.date)


def test_closed_items_are_hidden_from_users_without_permission(django_user_model):
    meeting = builders.meeting()
    builders.item(meeting, number="1", title="Åbent punkt")
    builders.item(meeting, number="2", title="Personsag", closed=True)
    colleague = django_user_model.objects.create_user("anna")
    caseworker = django_user_model.objects.create_user("bent")
    caseworker.user_permissions.add(Permission.objects.get(codename="view_closed_item"))
    caseworker = django_user_model.objects.get(pk=caseworker.pk)  # fresh permission cache
    assert [i.title for i in meeting.items.visible_to(AnonymousUser())] == ["Åbent punkt"]
    assert [i.title for i in meeting.items.visible_to(colleague)] == ["Åbent punkt"]
    assert [i.title for i in meeting.items.visible_to(None)] == ["Åbent punkt"]
    assert [i.title for i in meeting.items.visible_to(caseworker)] == ["Åbent punkt", "Personsag"]


def test_all_98_municipalities_are_loaded():
    assert Municipality.objects.count() == 98
    assert {r: Municipality.objects.filter(region=r).count() for r in Region.values} == {
        "Hovedstaden": 29, "Sjælland": 17, "Syddanmark": 22, "Midtjylland": 19, "Nordjylland": 11,
    }
    assert Municipality.objects.get(code=101).official_name == "Københavns Kommune"


@pytest.mark.parametrize(
    ("text", "short_name"),
    [
        ("Vesthimmerlands Kommune", "Vesthimmerland"),
        ("Københavns Kommune", "København"),
        ("københavn", "København"),
        ("Slagelse Kommunes", "Slagelse"),
        ("Bornholms Regionskommune", "Bornholm"),
        ("Lyngby-Taarbæk Kommune", "Lyngby-Taarbæk"),
        ("607", "Fredericia"),
    ],
)
def test_municipality_names_resolve_to_short_names(text, short_name):
    assert Municipality.objects.resolve(text).name == short_name


def test_unknown_municipality_resolves_to_none():
    assert Municipality.objects.resolve("Atlantis Kommune") is None
    assert Municipality.objects.resolve("") is None


@pytest.mark.parametrize("prefix", ["/", "/referatsoeg/"])
def test_item_url_is_the_reversed_url_under_any_script_prefix(prefix):
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from minutes.models import AgendaItem

    before = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for pk in (1, 90, 918273645, 12345678901):
            assert AgendaItem(pk=pk).get_absolute_url() == reverse("minutes:item", args=[pk]) == f"{prefix}punkt/{pk}/"
    finally:
        set_script_prefix(before)
