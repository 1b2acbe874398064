"""Closed items around the edges: absences, suggestions, the admin, the source view, file paths.

The marked corpus (tests/builders.py) holds closed items with their own words: Økonomiudvalget's
item 3 (closed with everything in it) and 4 (closed, only a case line), Arbejdsmarkedsudvalget's
item 2 (open in the dagsorden, closed in the referat that replaced it) and Socialudvalget's item 2
(open; some tests close it in the admin).
"""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client

from committees.models import OrganisationCandidate
from minutes.models import AgendaItem, Decision, Meeting, SourceDocument
from search import vocabulary
from search.models import Word

import builders
from builders import MARKERS, admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(tmp_path):
    builders.import_marked_corpus(tmp_path)
    return tmp_path


@pytest.fixture
def admin(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang"))
    return client


@pytest.fixture
def editor(django_user_model):
    """Staff who may do everything in the admin but see closed items."""
    user = django_user_model.objects.create_user("redaktoer", password="Redaktoer-kode-2024-lang", is_staff=True)
    user.user_permissions.set(Permission.objects.exclude(codename="view_closed_item"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def caseworker(django_user_model):
    user = django_user_model.objects.create_user("bent", password="Sagsbehandler-kode-2024")
    user.groups.add(Group.objects.get(name="Sagsbehandlere"))
    client = Client()
    client.force_login(user)
    return client


def item(marker: str) -> AgendaItem:
    return AgendaItem.objects.get(title__contains=MARKERS[marker])


def close_in_the_admin(admin, agenda_item, closed=True):
    url = f"/admin/minutes/agendaitem/{agenda_item.pk}/change/"
    form = admin_form(admin, url)
    form.pop("closed", None)
    response = admin.post(url, {**form, **({"closed": "on"} if closed else {}), "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]


def word_count(word: str) -> int:
    found = Word.objects.filter(word=word).first()
    return found.count if found else 0


# --- 1. Absences ------------------------------------------------------------------------------------------------
def stored_with_closed_absences(meeting) -> Meeting:
    """The meeting's absences as imports stored them before the reader left closed items out."""
    decisions = Decision.objects.filter(item__meeting=meeting).order_by("item__order")
    meeting.absent = list(dict.fromkeys(name for decision in decisions for name in decision.absent))
    meeting.save()
    return meeting


def test_a_member_absent_only_from_a_closed_item_is_not_named_on_the_meeting_page(marked, client, caseworker):
    meeting = stored_with_closed_absences(item("title").meeting)
    assert meeting.absent == ["Anne Hansen (A)", "Borogove Mimsy (V)"]
    page = client.get(meeting.get_absolute_url()).text
    assert "<dd>Anne Hansen (A)</dd>" in page  # absent from the open items: named
    assert "Borogove" not in page
    assert "Anne Hansen (A), Borogove Mimsy (V)" in caseworker.get(meeting.get_absolute_url()).text


def test_closing_an_item_in_the_admin_hides_its_absences(marked, client, admin):
    later = item("later title")
    assert "Manxome Tulgey (C)" in client.get(later.meeting.get_absolute_url()).text
    close_in_the_admin(admin, later)
    assert "Manxome" not in client.get(later.meeting.get_absolute_url()).text


def test_a_name_also_absent_from_an_open_item_stays(marked, client):
    meeting = item("title").meeting
    closed = item("title").decisions.get()
    closed.absent = ["Anne Hansen (A)"]
    closed.save()
    meeting.absent = ["Anne Hansen (A)"]
    meeting.save()
    assert meeting.absent_visible_to(None) == ["Anne Hansen (A)"]


# --- 2. Suggestions ---------------------------------------------------------------------------------------------
def test_words_of_an_item_closed_in_the_referat_that_replaced_the_dagsorden_are_not_suggested(marked, client):
    # "Frabjousvej" stood in the dagsorden's open item 2 only; the referat closed the item.
    assert word_count("frabjousvej") == 0 and word_count("galumphbevilling") == 0
    assert word_count("dagsordenen") == 0  # the dagsorden's recommendation, gone with its items
    assert client.get("/api/search", {"q": "Frabjousve"}).json()["suggestion"] is None


def test_closing_opening_and_deleting_an_item_in_the_admin_counts_its_words_again(marked, client, admin):
    later = item("later title")
    assert word_count("chortlepladsen") == 1 and word_count("beamishparken") == 1
    assert client.get("/api/search", {"q": "Chortlepladse"}).json()["suggestion"] == "Chortlepladsen"
    godkendelse = word_count("godkendelse")
    close_in_the_admin(admin, later)
    assert word_count("chortlepladsen") == 0 and word_count("beamishparken") == 0
    assert client.get("/api/search", {"q": "Chortlepladse"}).json()["suggestion"] is None
    assert word_count("godkendelse") == godkendelse  # the open items' words stay
    close_in_the_admin(admin, later, closed=False)
    assert word_count("chortlepladsen") == 1
    response = admin.post(f"/admin/minutes/agendaitem/{later.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert word_count("chortlepladsen") == 0


def test_a_meeting_deleted_in_the_admin_takes_its_words_along(marked, admin):
    meeting = item("later title").meeting
    assert word_count("chortlepladsen") == 1
    assert admin.post(f"/admin/minutes/meeting/{meeting.pk}/delete/", {"post": "yes"}).status_code == 302
    assert word_count("chortlepladsen") == 0


def test_importing_a_file_again_with_force_counts_its_words_once(marked):
    path = marked / "socialudvalget-2024-04-09.txt"
    before = dict(Word.objects.values_list("word", "count"))
    call_command("import_referater", str(path), "--force", municipality="Slagelse", stdout=io.StringIO())
    assert dict(Word.objects.values_list("word", "count")) == before


def test_the_word_table_is_the_open_items_words(marked, admin):
    close_in_the_admin(admin, item("later title"))
    counted = {word: count for word, (count, _) in vocabulary.stored_vocabulary(AgendaItem.objects.all()).items()}
    assert dict(Word.objects.values_list("word", "count")) == counted


def test_rebuild_vocabulary_counts_the_word_table_afresh(marked):
    Word.objects.create(word="quibblefjord", display="Quibblefjord", count=3)  # as an earlier version left it
    Word.objects.filter(word="chortlepladsen").update(count=7)
    out = io.StringIO()
    call_command("rebuild_vocabulary", stdout=out)
    counted = {word: count for word, (count, _) in vocabulary.stored_vocabulary(AgendaItem.objects.all()).items()}
    assert dict(Word.objects.values_list("word", "count")) == counted
    assert word_count("quibblefjord") == 0 and word_count("chortlepladsen") == 1
    assert out.getvalue() == f"Ordlisten har nu {len(counted)} ord fra åbne punkter.\n"


# --- 3. The admin -----------------------------------------------------------------------------------------------
def test_staff_without_the_permission_see_no_closed_item_in_the_admin(marked, editor, admin):
    closed = item("title")
    items = editor.get("/admin/minutes/agendaitem/").text
    assert "Godkendelse af dagsorden" in items and MARKERS["title"] not in items
    assert editor.get(f"/admin/minutes/agendaitem/{closed.pk}/change/").status_code == 302  # "does not exist"
    decisions = editor.get("/admin/minutes/decision/").text
    assert MARKERS["decision"] not in decisions
    assert editor.get(f"/admin/minutes/decision/{closed.decisions.get().pk}/change/").status_code == 302
    for url in ("/admin/minutes/amount/", "/admin/minutes/followup/", "/admin/minutes/organisationmention/"):
        assert MARKERS["body"] not in editor.get(url).text and MARKERS["title"] not in editor.get(url).text
    assert MARKERS["title"] in admin.get("/admin/minutes/agendaitem/").text


def test_staff_without_the_permission_see_no_source_text_of_a_meeting_with_closed_items(marked, editor, admin):
    meeting = stored_with_closed_absences(item("title").meeting)
    sources = editor.get("/admin/minutes/sourcedocument/").text
    assert "socialudvalget-2024-04-09.txt" in sources and "oekonomiudvalget-2024-02-12.txt" not in sources
    assert "arbejdsmarkedsudvalget-2024-03-05-dagsorden.txt" not in sources  # an earlier version, too
    page = editor.get(f"/admin/minutes/meeting/{meeting.pk}/change/").text
    assert "Kilden indeholder lukkede punkter" in page and MARKERS["initials"] not in page
    assert "Anne Hansen (A)" in page and "Borogove" not in page
    assert '<td class="field-item_count">2</td>' in editor.get("/admin/minutes/meeting/").text
    page = admin.get(f"/admin/minutes/meeting/{meeting.pk}/change/").text
    assert MARKERS["initials"] in page and "Borogove" in page


def test_an_edit_by_staff_without_the_permission_keeps_the_hidden_absences(marked, editor):
    meeting = stored_with_closed_absences(item("title").meeting)
    url = f"/admin/minutes/meeting/{meeting.pk}/change/"
    response = editor.post(url, {**admin_form(editor, url), "location": "Mødelokale 2", "_save": "Gem"})
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting.refresh_from_db()
    assert meeting.location == "Mødelokale 2" and meeting.absent == ["Anne Hansen (A)", "Borogove Mimsy (V)"]


def test_a_closed_items_id_typed_into_an_item_field_is_not_named(marked, editor):
    closed = item("title")
    response = editor.post("/admin/minutes/decision/add/", {
        "item": closed.pk, "order": 1, "body": "Byrådet", "date": "", "text": "Godkendt.", "outcome": "approved",
        "absent": "",
    })
    assert response.status_code == 200  # the form again, with its error
    assert "Marker en gyldig valgmulighed" in response.text and MARKERS["title"] not in response.text
    assert not Decision.objects.filter(body="Byrådet").exists()


def test_organisation_candidates_from_closed_items_only_are_hidden(marked, editor, admin):
    candidate = OrganisationCandidate.objects.get(name="Snarkefabrik ApS")
    assert not candidate.in_open_item
    assert "Snarkefabrik" not in editor.get("/admin/committees/organisationcandidate/").text
    assert editor.get(f"/admin/committees/organisationcandidate/{candidate.pk}/change/").status_code == 302
    assert "Snarkefabrik" in admin.get("/admin/committees/organisationcandidate/").text


OPEN_MENTION_OF_THE_CANDIDATE = """Beskæftigelsesudvalget – Referat – 6. maj 2024

1. Nyt tilbud om praktik (B)

Sagsnr.: 24-000401

Åbent

Sagens indhold

Jobcentret vil købe praktikforløb, og leverandøren er Snarkefabrik ApS i Korsør.

Beslutning

Godkendt.
"""


def test_a_candidate_seen_in_an_open_item_later_shows_that_sentence(marked, tmp_path, editor):
    builders.import_referater(tmp_path, {"beskaeftigelsesudvalget.txt": OPEN_MENTION_OF_THE_CANDIDATE},
                              municipality="Slagelse")
    candidate = OrganisationCandidate.objects.get(name="Snarkefabrik ApS")
    assert candidate.in_open_item and candidate.occurrences == 2
    assert candidate.example == "Jobcentret vil købe praktikforløb, og leverandøren er Snarkefabrik ApS i Korsør."
    page = editor.get(f"/admin/committees/organisationcandidate/{candidate.pk}/change/").text
    assert "Korsør" in page and MARKERS["body"] not in page


def test_staff_without_the_permission_cannot_delete_what_deletes_closed_items(marked, editor, admin):
    meeting = item("title").meeting
    url = f"/admin/minutes/meeting/{meeting.pk}/delete/"
    page = editor.get(url).text
    assert "lukkede dagsordenspunkter" in page and MARKERS["title"] not in page
    assert editor.post(url, {"post": "yes"}).status_code == 403
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert MARKERS["title"] in admin.get(url).text  # the list of what goes with it
    committee = meeting.committee
    page = editor.get(f"/admin/committees/committee/{committee.pk}/delete/").text
    assert "lukkede dagsordenspunkter" in page and MARKERS["title"] not in page


# --- 4. The source view -----------------------------------------------------------------------------------------
BARE_CLOSED_ITEM = """Erhvervsudvalget – Referat – 14. maj 2024

1. Godkendelse af dagsorden (B)

Sagsnr.: 24-000501

Åbent

Beslutning

Godkendt.

2. Ansøgning om løntilskud til enkeltperson (Lukket)

Sagsid.: 23/34410, Sagsinitialer: kbm
"""


def test_the_source_is_withheld_when_a_closed_item_has_only_its_case_line(tmp_path, client, caseworker):
    builders.import_referater(tmp_path, {"erhvervsudvalget.txt": BARE_CLOSED_ITEM}, municipality="Slagelse")
    closed = AgendaItem.objects.get(closed=True)
    assert (closed.sections, list(closed.decisions.all())) == ([], [])
    response = client.get(f"/moede/{closed.meeting_id}/kilde/")
    assert response.status_code == 403 and "Kilden er ikke offentlig" in response.text
    assert "23/34410" not in response.text and "kbm" not in response.text
    assert "Sagsinitialer: kbm" in caseworker.get(f"/moede/{closed.meeting_id}/kilde/").text


def test_the_source_is_withheld_when_the_item_a_dagsorden_showed_is_closed_in_the_referat(tmp_path, client):
    dagsorden = BARE_CLOSED_ITEM.replace("Referat", "Dagsorden").replace(" (Lukket)", " (B)").replace(
        "Beslutning\n\nGodkendt.\n", "Indstilling\n\nAt dagsordenen godkendes.\n") + (
        "\nÅbent\n\nSagens indhold\n\nBorgeren søger løntilskud til et job hos Slagelse Kommune.\n")
    builders.import_referater(tmp_path, {"dagsorden.txt": dagsorden}, municipality="Slagelse")
    meeting = Meeting.objects.get()
    assert client.get(f"/moede/{meeting.pk}/kilde/").status_code == 200  # no closed item yet
    builders.import_referater(tmp_path, {"referat.txt": BARE_CLOSED_ITEM}, municipality="Slagelse")
    assert meeting.sources.count() == 2
    assert client.get(f"/moede/{meeting.pk}/kilde/").status_code == 403
    assert not SourceDocument.objects.visible_to(None).filter(meeting=meeting).exists()  # no version


def test_the_source_is_served_when_the_meeting_has_no_closed_item(tmp_path, client):
    builders.import_referater(tmp_path, {"aaben.txt": BARE_CLOSED_ITEM.split("2. Ansøgning")[0]},
                              municipality="Slagelse")
    meeting = Meeting.objects.get()
    assert client.get(f"/moede/{meeting.pk}/kilde/").content.decode() == meeting.source.text


# --- 5. File names ----------------------------------------------------------------------------------------------
def test_the_meeting_page_shows_the_file_name_without_its_folders(marked, client):
    meeting = item("later title").meeting
    page = client.get(meeting.get_absolute_url()).text
    assert ">socialudvalget-2024-04-09.txt</a>" in page
    assert str(marked) not in page and meeting.source.file_name == str(marked / "socialudvalget-2024-04-09.txt")


@pytest.mark.parametrize("file_name, shown", [
    ("/home/anne/referater/slagelse/oekonomiudvalget.txt", "oekonomiudvalget.txt"),
    ("C:\\Users\\anne\\Referater\\oekonomiudvalget.txt", "oekonomiudvalget.txt"),
    ("<stdin>", "<stdin>"),
])
def test_a_source_is_named_by_its_file_name(file_name, shown):
    assert SourceDocument(file_name=file_name).base_name == shown


# --- Counts on the municipality and committee pages -------------------------------------------------------------
def test_meeting_lists_count_only_the_items_the_user_may_see(marked, client, caseworker):
    meeting = item("title").meeting
    assert "(2 punkter)" in client.get(meeting.committee.get_absolute_url()).text
    assert "(4 punkter)" in caseworker.get(meeting.committee.get_absolute_url()).text
    assert "(2 punkter)" in client.get(meeting.committee.municipality.get_absolute_url()).text
