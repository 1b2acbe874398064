"""Votes, remarks and attendance of decisions: the recognisers of minutes/importer/votes.py in many
spellings, the dry-run JSON of the votes example, and a real import shown on the item page."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from minutes.importer.extract import classify_outcome
from minutes.importer.parsed import ParsedDecision, ParsedItem, ParsedMeeting
from minutes.importer.votes import apply_attendance, attendance, read_decision
from minutes.models import AgendaItem, Decision

DATA = Path(__file__).parent / "data" / "importer"
VOTES_EXAMPLE = DATA / "votes_style_byraadet_2024-05-27" / "in.txt"
PROTOCOL_EXAMPLE = DATA / "beslutningsprotokol_style_arbejdsmarkedsudvalget_2023-11-08" / "in.txt"


def votes(for_=None, against=None, abstained=None) -> dict:
    """votes(for_=(None, ["V", "I"]), against=(6, [...])): each side (count, who) or None."""
    return {name: None if value is None else {"count": value[0], "who": value[1]}
            for name, value in (("for", for_), ("against", against), ("abstained", abstained))}


def read(text: str):
    facts = read_decision(text.split("\n"))
    return facts, classify_outcome(facts.outcome_text)


# --- Votes -----------------------------------------------------------------------------------
SIX_VENSTRE = ["Henrik Valsø", "Camilla Thorup", "Anders Kjeldgaard", "Louise Brink", "Peter Ravn", "Sofie Holmgaard"]


@pytest.mark.parametrize(
    ("text", "expected", "outcome"),
    [
        # labelled lines, as in the votes example
        ("For stemte: V og I\nImod stemte: A, B, C, F, O og Ø.\nForslaget faldt dermed.",
         votes(for_=(None, ["V", "I"]), against=(None, ["A", "B", "C", "F", "O", "Ø"])), "rejected"),
        ("For: 20 (A, B, C, F, I og Ø)\nImod: 6 (Henrik Valsø, Camilla Thorup, Anders Kjeldgaard, Louise Brink, "
         "Peter Ravn og Sofie Holmgaard)\nUndlod at stemme 1 (Kasper Frimann)\nGodkendt.",
         votes(for_=(20, ["A", "B", "C", "F", "I", "Ø"]), against=(6, SIX_VENSTRE), abstained=(1, ["Kasper Frimann"])),
         "approved"),
        # other spellings of the same
        ("For stemte 5 (A, V)\nImod stemte 2 (Ø)\nUndlod at stemme: O\nGodkendt.",
         votes(for_=(5, ["A", "V"]), against=(2, ["Ø"]), abstained=(None, ["O"])), "approved"),
        ("For forslaget stemte: Ø og F. Imod forslaget stemte: A, V, C og O. Forslaget faldt.",
         votes(for_=(None, ["Ø", "F"]), against=(None, ["A", "V", "C", "O"])), "rejected"),
        ("Stemte for: A, V\nStemte imod: Ø\nHverken for eller imod stemte: O\nVedtaget.",
         votes(for_=(None, ["A", "V"]), against=(None, ["Ø"]), abstained=(None, ["O"])), "approved"),
        ("Ja: 15\nNej: 12\nBlanke: 2\nIndstillingen blev vedtaget.",
         votes(for_=(15, []), against=(12, []), abstained=(2, [])), "approved"),
        ("For: 9\nImod: Ingen\nGodkendt.", votes(for_=(9, []), against=(0, [])), "approved"),
        ("For stemte: A, V og O (15 stemmer)\nImod stemte: 0\nGodkendt.",
         votes(for_=(15, ["A", "V", "O"]), against=(0, [])), "approved"),
        ("Imod: 2 (Kim Aslan (Ø), Ida Wessel (Ø))\nFor: 25\nGodkendt.",
         votes(for_=(25, []), against=(2, ["Kim Aslan (Ø)", "Ida Wessel (Ø)"])), "approved"),
        ("For stemte: Lars Chr. Nielsen (V). Godkendt.", votes(for_=(None, ["Lars Chr. Nielsen (V)"])), "approved"),
        ("For stemte: resten af byrådet\nImod stemte: Ø\nGodkendt.",
         votes(for_=(None, ["resten af byrådet"]), against=(None, ["Ø"])), "approved"),
        # sentences
        ("Anbefales. V stemte imod.", votes(against=(None, ["V"])), "recommended"),
        ("Godkendt, idet Ø stemte imod.", votes(against=(None, ["Ø"])), "approved"),
        ("Herefter stemte V og O imod. Godkendt.", votes(against=(None, ["V", "O"])), "approved"),
        ("Anbefales. Enhedslisten undlod at stemme.", votes(abstained=(None, ["Enhedslisten"])), "recommended"),
        ("Kim Aslan (Ø) stemte hverken for eller imod. Godkendt.", votes(abstained=(None, ["Kim Aslan (Ø)"])),
         "approved"),
        ("Tiltrådt. Socialistisk Folkeparti kunne ikke anbefale indstillingen.",
         votes(against=(None, ["Socialistisk Folkeparti"])), "approved"),
        # majorities and minorities: the majority's sentence says the outcome
        ("Et flertal (A, V) anbefaler indstillingen. Et mindretal (Ø) kan ikke anbefale indstillingen.",
         votes(for_=(None, ["A", "V"]), against=(None, ["Ø"])), "recommended"),
        ("Et flertal bestående af A, V og O anbefaler indstillingen. Mindretallet (Ø) stemte imod.",
         votes(for_=(None, ["A", "V", "O"]), against=(None, ["Ø"])), "recommended"),
        ("Et flertal (A, V) anbefaler forslaget. Et mindretal (C) anbefaler, at sagen udsættes.",
         votes(for_=(None, ["A", "V"]), against=(None, ["C"])), "recommended"),
        ("Et flertal (A, V) kan ikke anbefale forslaget. Et mindretal (Ø) anbefaler forslaget.",
         votes(for_=(None, ["Ø"]), against=(None, ["A", "V"])), "rejected"),
        ("5 medlemmer (A+V) anbefaler, at forslaget godkendes. 2 medlemmer (Ø) stemte imod.",
         votes(for_=(5, ["A", "V"]), against=(2, ["Ø"])), "recommended"),
        ("Tre medlemmer (C, O og Ø) kunne ikke anbefale indstillingen. 6 medlemmer (A, V) anbefaler.",
         votes(for_=(6, ["A", "V"]), against=(3, ["C", "O", "Ø"])), "recommended"),
        ("Et medlem (Ø) undlod at stemme. Anbefales.", votes(abstained=(1, ["Ø"])), "recommended"),
        # a tally inside the sentence that says the outcome
        ("Godkendt med 20 stemmer mod 6.", votes(for_=(20, []), against=(6, [])), "approved"),
        ("Godkendt med 15 stemmer for og 12 imod, 2 undlod at stemme.",
         votes(for_=(15, []), against=(12, []), abstained=(2, [])), "approved"),
    ],
)
def test_votes_in_every_spelling(text, expected, outcome):
    facts, read_outcome = read(text)
    assert (facts.votes, read_outcome) == (expected, outcome)
    assert facts.lines == text.split("\n")  # the text stays whole


@pytest.mark.parametrize(
    "text",
    [
        "For 3 år siden besluttede udvalget det modsatte. Godkendt.",
        "For at sikre fremdrift ønsker udvalget en status. Godkendt.",
        "Imod forventning blev budgettet overholdt. Taget til efterretning.",
        "Udvalget stemte for at udsætte sagen.",
        "Forslaget stemmer overens med planen. Godkendt.",
        "To medlemmer af udvalget deltog i besigtigelsen. Godkendt.",
        "Dagsordenen blev godkendt.",
    ],
)
def test_prose_is_no_vote(text):
    assert read(text)[0].votes is None


def test_several_votes_are_rounds_and_the_last_is_the_decisions_vote():
    facts, outcome = read(
        "Ændringsforslag fra Ø:\nFor stemte: Ø\nImod stemte: resten\nÆndringsforslaget faldt.\n"
        "Indstillingen:\nFor stemte: A, V, C\nImod stemte: Ø\nIndstillingen blev godkendt."
    )
    assert facts.vote_rounds == [
        {"about": "Ændringsforslag fra Ø", **votes(for_=(None, ["Ø"]), against=(None, ["resten"]))},
        {"about": "Indstillingen", **votes(for_=(None, ["A", "V", "C"]), against=(None, ["Ø"]))},
    ]
    assert facts.votes == votes(for_=(None, ["A", "V", "C"]), against=(None, ["Ø"]))
    assert outcome == "approved"  # the amendment fell; the item's own proposal was approved


def test_votes_on_sub_points_are_rounds():
    facts, outcome = read("Ad 1: V stemte imod. Ad 2: O undlod at stemme. Godkendt.")
    assert facts.vote_rounds == [
        {"about": "Ad 1", **votes(against=(None, ["V"]))},
        {"about": "Ad 2", **votes(abstained=(None, ["O"]))},
    ]
    assert outcome == "approved"


def test_one_vote_has_no_rounds():
    assert read("For stemte: A\nImod stemte: V\nGodkendt.")[0].vote_rounds is None


# --- Remarks ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "remarks", "outcome"),
    [
        ("Anbefales.\nEnhedslisten tog forbehold.", ["Enhedslisten tog forbehold."], "recommended"),
        ("Anbefales.\nDet Konservative Folkeparti tog forbehold for finansieringen af indsatsen for unge hjemløse.",
         ["Det Konservative Folkeparti tog forbehold for finansieringen af indsatsen for unge hjemløse."],
         "recommended"),
        ("Godkendt. V tager forbehold for sin endelige stillingtagen i byrådet.",
         ["V tager forbehold for sin endelige stillingtagen i byrådet."], "approved"),
        ("Godkendt med forbehold fra Ø.", ["Godkendt med forbehold fra Ø."], "approved"),
        ("Godkendt, idet Ø tog forbehold for prisen.", ["Godkendt, idet Ø tog forbehold for prisen."], "approved"),
        ("Ad. 2: Godkendt.\nKim Aslan (Ø) ønskede sin stemme ført til protokol som imod Ad. 2.",
         ["Kim Aslan (Ø) ønskede sin stemme ført til protokol som imod Ad. 2."], "approved"),
        ("Godkendt. Ø fik sin stemme ført til protokol.", ["Ø fik sin stemme ført til protokol."], "approved"),
        ("Anbefales.\nProtokolbemærkning: Venstre kan ikke godkende, at udgiften findes i anlægspuljen.",
         ["Protokolbemærkning: Venstre kan ikke godkende, at udgiften findes i anlægspuljen."], "recommended"),
        ("Protokolbemærkning fra Enhedslisten:\nEnhedslisten kan ikke godkende\nforslaget, da det er underfinansieret."
         "\n\nGodkendt.",
         ["Protokolbemærkning fra Enhedslisten: Enhedslisten kan ikke godkende forslaget, da det er underfinansieret."],
         "approved"),
        ("Anbefales.\nMindretalsudtalelse fra V: Venstre kan ikke støtte forslaget. Det er ikke finansieret, og "
         "Venstre kan ikke anbefale det.",
         ["Mindretalsudtalelse fra V: Venstre kan ikke støtte forslaget. Det er ikke finansieret, og Venstre kan ikke "
          "anbefale det."], "recommended"),
        ("Godkendt. Ø begærede sagen indbragt for byrådet.", ["Ø begærede sagen indbragt for byrådet."], "approved"),
        # not remarks
        ("Godkendt med forbehold for finansiering i budget 2025.", [], "approved"),
        ("Beslutningsprotokollen blev underskrevet. Godkendt.", [], "approved"),
    ],
)
def test_reservations_and_protocol_remarks_as_printed(text, remarks, outcome):
    facts, read_outcome = read(text)
    assert (facts.remarks, read_outcome) == (remarks, outcome)
    assert facts.lines == text.split("\n")


# --- Attendance in one decision ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "absent", "substitutes", "kept"),
    [
        ("Godkendt.\nAfbud: Torben Wind. Gitte Sørup Møller deltog ikke i behandlingen af punktet.",
         ["Torben Wind", "Gitte Sørup Møller"], [],
         ["Godkendt.", "Gitte Sørup Møller deltog ikke i behandlingen af punktet."]),
        ("Godkendt.\nAfbud: Ingen", [], [], ["Godkendt."]),
        ("Godkendt.\nFraværende: Peter Dam (C)", ["Peter Dam (C)"], [], ["Godkendt."]),
        ("Godkendt.\nHanne Dalsgaard (A) var forhindret i at deltage i udvalgets behandling af sagen.",
         ["Hanne Dalsgaard (A)"], [], None),
        ("Afbud fra Jonas Ravnkilde. Istedet mødte Birthe Aagaard.\nGodkendt.",
         ["Jonas Ravnkilde"], ["Birthe Aagaard"], None),
        ("Godkendt. Afbud fra Jonas Ravnkilde (A). I stedet mødte Birthe Aagaard (A).",
         ["Jonas Ravnkilde (A)"], ["Birthe Aagaard (A)"], None),
        ("Godkendt. I stedet for Jonas Ravnkilde mødte Birthe Aagaard.", ["Jonas Ravnkilde"], ["Birthe Aagaard"], None),
        ("Birthe Aagaard (A) mødte som stedfortræder for Jonas Ravnkilde (A). Godkendt.",
         ["Jonas Ravnkilde (A)"], ["Birthe Aagaard (A)"], None),
        ("Hans Kirk (V) erklærede sig inhabil og deltog ikke i behandlingen. Godkendt.", ["Hans Kirk (V)"], [], None),
        ("Godkendt, idet Anne Hansen (A) ikke deltog.", ["Anne Hansen (A)"], [], None),
        ("Anne Holm (V) forlod mødet under behandlingen af punktet. Godkendt.", ["Anne Holm (V)"], [], None),
        ("Kim Aslan (Ø) deltog ikke i mødet. Godkendt.", ["Kim Aslan (Ø)"], [], None),
        ("Godkendt.\nHans Kirk (V) var fraværende.", ["Hans Kirk (V)"], [], None),
        ("Bo Lund (A) og Ida Wessel (Ø) deltog ikke i sagens behandling. Godkendt.",
         ["Bo Lund (A)", "Ida Wessel (Ø)"], [], None),
        # named items are placed by apply_attendance; nobody is not a name
        ("Godkendt. Bo Lund (A) deltog ikke under punkterne 12-15.", [], [], None),
        ("Godkendt. Udvalget deltog ikke i besigtigelsen.", [], [], None),
    ],
)
def test_who_did_not_take_part_and_who_met_instead(text, absent, substitutes, kept):
    """kept: the decision's text when a label line ("Afbud: …") is taken out of it."""
    facts, outcome = read(text)
    assert (facts.absent, facts.substitutes, outcome) == (absent, substitutes, "approved")
    assert facts.lines == (kept if kept is not None else text.split("\n"))


ITEMS = [str(n) for n in range(1, 20)] + ["10.1"]


@pytest.mark.parametrize(
    ("sentence", "kind", "names", "items"),
    [
        ("Gitte Sørup Møller deltog ikke i behandlingen af punkt 7.", "absent", ["Gitte Sørup Møller"], ["7"]),
        ("Peter Dam (C) deltog ikke under punkterne 12-15.", "absent", ["Peter Dam (C)"], ["12", "13", "14", "15"]),
        ("Peter Dam (C) deltog ikke i pkt. 12 til og med 15.", "absent", ["Peter Dam (C)"], ["12", "13", "14", "15"]),
        ("Peter Dam (C) deltog ikke i behandlingen af punkt 4 og 7.", "absent", ["Peter Dam (C)"], ["4", "7"]),
        ("Hans Kirk (V) var fraværende under punkt 3-4.", "absent", ["Hans Kirk (V)"], ["3", "4"]),
        ("Hans Kirk (V) var inhabil i punkt 10.", "absent", ["Hans Kirk (V)"], ["10", "10.1"]),
        ("Anne Holm (V) forlod mødet efter punkt 15.", "left", ["Anne Holm (V)"], ["16", "17", "18", "19"]),
        ("Anne Holm (V) forlod mødet kl. 17.30 under behandlingen af punkt 16.", "left", ["Anne Holm (V)"],
         ["16", "17", "18", "19"]),
        ("Under behandlingen af punkt 17 forlod Anne Holm (V) mødet.", "left", ["Anne Holm (V)"], ["17", "18", "19"]),
        ("Bo Lund (A) deltog til og med punkt 17.", "left", ["Bo Lund (A)"], ["18", "19"]),
        ("Bo Lund (A) deltog ikke i mødet fra punkt 18.", "left", ["Bo Lund (A)"], ["18", "19"]),
        ("Bo Lund (A) deltog fra punkt 3.", "arrived", ["Bo Lund (A)"], ["1", "2"]),
        ("Bo Lund (A) deltog i mødet fra og med punkt 3.", "arrived", ["Bo Lund (A)"], ["1", "2"]),
        ("Bo Lund (A) ankom under behandlingen af punkt 3.", "arrived", ["Bo Lund (A)"], ["1", "2"]),
        ("Bo Lund (A) mødte kl. 16.15 efter punkt 3.", "arrived", ["Bo Lund (A)"], ["1", "2", "3"]),
        ("Fra punkt 4 deltog Bo Lund (A).", "arrived", ["Bo Lund (A)"], ["1", "2", "3"]),
    ],
)
def test_absences_that_name_items(sentence, kind, names, items):
    [statement] = attendance(sentence)
    assert (statement.kind, statement.names) == (kind, names)
    assert [n for n in ITEMS if statement.scope.holds(n)] == items


# --- Attendance across the meeting -------------------------------------------------------------
MEETING_DAY = datetime.date(2023, 11, 8)


def decision(text: str, date=MEETING_DAY, body="Arbejdsmarkedsudvalget") -> ParsedDecision:
    facts = read_decision(text.split("\n"))
    return ParsedDecision(body, date, "\n".join(facts.lines), classify_outcome(facts.outcome_text), facts.absent)


def test_absences_naming_items_reach_those_items_decisions_at_this_meeting():
    earlier = decision("Anbefales.", date=datetime.date(2023, 10, 30), body="Økonomiudvalget")
    texts = {
        "64": "Godkendt. Bo Lund (A) deltog ikke under punkterne 69-70.",
        "65": "Godkendt.", "66": "Godkendt.", "67": "Taget til efterretning.",
        "68": "Godkendt.\nAnne Holm (V) forlod mødet under behandlingen af punktet.",
        "69": "Godkendt.", "70": "Afvist.",
    }
    items = [ParsedItem(number, f"Punkt {number}", decisions=[decision(text)]) for number, text in texts.items()]
    items[3].decisions.insert(0, earlier)
    meeting = ParsedMeeting(
        "Aabenraa", "Arbejdsmarkedsudvalget", MEETING_DAY, "referat", absent=["Torben Wind"],
        participants=["Helle Brodersen", "Peter Dam (C) (deltog fra punkt 66)"],
        header={"Bemærkninger": "Afbud fra Torben Wind. Gitte Sørup Møller deltog ikke i behandlingen af punkt 67."},
        items=items,
    )
    assert apply_attendance(meeting) is meeting
    assert {item.number: [d.absent for d in item.decisions] for item in meeting.items} == {
        "64": [["Peter Dam (C)"]],
        "65": [["Peter Dam (C)"]],
        "66": [[]],
        "67": [[], ["Gitte Sørup Møller"]],  # Økonomiudvalget's earlier decision is not this meeting's
        "68": [["Anne Holm (V)"]],
        "69": [["Bo Lund (A)", "Anne Holm (V)"]],
        "70": [["Bo Lund (A)", "Anne Holm (V)"]],
    }


# --- Through the command -----------------------------------------------------------------------
def dry_run(path: Path, *args) -> dict:
    out = io.StringIO()
    call_command("import_referater", str(path), *args, "--dry-run", "--json", stdout=out, stderr=io.StringIO())
    [document] = json.loads(out.getvalue())["documents"]
    return document["meeting"]


def decisions_of(meeting: dict) -> list[tuple]:
    return [(item["number"], d["body"], d["outcome"], d["votes"], d["remarks"], d["absent"])
            for item in meeting["items"] for d in item["decisions"]]


@pytest.mark.django_db
def test_dry_run_json_of_the_votes_example():
    assert decisions_of(dry_run(VOTES_EXAMPLE)) == [
        ("71", "Byrådet", "approved", None, [], []),
        ("72", "Byrådet", "rejected", votes(for_=(None, ["V", "I"]), against=(None, ["A", "B", "C", "F", "O", "Ø"])),
         [], []),
        ("73", "Beskæftigelses- og Integrationsudvalget", "recommended", None, [], []),
        ("73", "Økonomiudvalget", "recommended", votes(against=(None, ["V"])), [], []),
        ("73", "Byrådet", "approved", votes(for_=(20, ["A", "B", "C", "F", "I", "Ø"]), against=(6, SIX_VENSTRE),
                                             abstained=(1, ["Kasper Frimann"])), [], []),
        ("74", "Økonomiudvalget", "recommended", None, [], []),
        ("74", "Byrådet", "approved", None, ["Kim Aslan (Ø) ønskede sin stemme ført til protokol som imod Ad. 2."],
         ["Marianne Holt (C)"]),
        ("75", "Byrådet", "postponed", None, [], ["Marianne Holt (C)", "Rasmus Hvid (A)"]),
    ]


@pytest.mark.django_db
def test_dry_run_places_an_absence_named_in_the_header_on_that_item():
    absent = {(number, body): absent for number, body, _, _, _, absent in decisions_of(dry_run(PROTOCOL_EXAMPLE))}
    assert absent[("66", "Arbejdsmarkedsudvalget")] == ["Torben Wind"]
    assert absent[("67", "Arbejdsmarkedsudvalget")] == ["Torben Wind", "Gitte Sørup Møller"]


ROUNDS_AND_A_CLOSED_ITEM = """\
Byrådet – Referat – 10. juni 2024

1. Takster for svømmehallen 2025 (B)

Beslutning i Byrådet den 10. juni 2024

Ændringsforslag fra Ø:
For stemte: Ø og F
Imod stemte: A, V, C og O
Ændringsforslaget faldt.
Indstillingen:
For stemte: A, V, C og O
Imod stemte: Ø og F
Indstillingen blev godkendt.
Afbud fra Ida Wessel (Ø). I stedet mødte Kim Aslan (Ø).

Sagsfremstilling

Forvaltningen foreslår, at entréen i svømmehallen stiger med 5 kr. fra 1. januar 2025.

2. Køb af grund ved havnen (Lukket)

Beslutning i Byrådet den 10. juni 2024

For stemte: A og V
Imod stemte: Ø
Godkendt. Ø tog forbehold for prisen på havnegrunden.
"""


@pytest.fixture
def byraad(tmp_path):
    path = tmp_path / "byraadet.txt"
    path.write_text(ROUNDS_AND_A_CLOSED_ITEM)
    call_command("import_referater", str(path), "--municipality", "Fredensborg", stdout=io.StringIO())
    return {item.number: item for item in AgendaItem.objects.filter(meeting__date="2024-06-10")}


@pytest.mark.django_db
def test_import_stores_what_the_dry_run_shows(tmp_path, byraad):
    path = tmp_path / "byraadet.txt"
    parsed = [d for item in dry_run(path, "--municipality", "Fredensborg")["items"] for d in item["decisions"]]
    stored = Decision.objects.filter(item__meeting__date="2024-06-10").order_by("item__order", "order")
    assert [(d.votes, d.vote_rounds, d.remarks, d.absent, d.substitutes) for d in stored] == [
        (d["votes"], d["vote_rounds"], d["remarks"], d["absent"], d["substitutes"]) for d in parsed
    ]
    swimming = stored[0]
    assert [r["about"] for r in swimming.vote_rounds] == ["Ændringsforslag fra Ø", "Indstillingen"]
    assert (swimming.absent, swimming.substitutes) == (["Ida Wessel (Ø)"], ["Kim Aslan (Ø)"])


@pytest.mark.django_db
def test_item_page_shows_votes_remarks_absent_and_substitutes(client):
    call_command("import_referater", str(VOTES_EXAMPLE), stdout=io.StringIO())
    items = {i.number: i for i in AgendaItem.objects.filter(meeting__date="2024-05-27")}
    page = client.get(items["73"].get_absolute_url()).text
    assert ("<dt>For</dt><dd>20 (A, B, C, F, I, Ø)</dd><dt>Imod</dt><dd>6 (Henrik Valsø, Camilla Thorup, "
            "Anders Kjeldgaard, Louise Brink, Peter Ravn, Sofie Holmgaard)</dd>"
            "<dt>Undlod at stemme</dt><dd>1 (Kasper Frimann)</dd>") in page
    assert "<h3>Afstemning</h3>" in page and "<dt>Imod</dt><dd>V</dd>" in page  # Økonomiudvalget's
    page = client.get(items["74"].get_absolute_url()).text
    assert ("<dt>Forbehold og protokolbemærkninger</dt><dd><p>Kim Aslan (Ø) ønskede sin stemme ført til protokol "
            "som imod Ad. 2.</p></dd>") in page
    assert "<dt>Fraværende</dt><dd>Marianne Holt (C)</dd>" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(items["73"].get_absolute_url()).text
    assert "<h3>Vote</h3>" in page and "<dt>Against</dt><dd>V</dd>" in page and "<dt>Abstained</dt>" in page


@pytest.mark.django_db
def test_item_page_shows_each_round_and_who_met_instead(client, byraad):
    page = client.get(byraad["1"].get_absolute_url()).text
    assert "<h3>Afstemning: Ændringsforslag fra Ø</h3>" in page and "<h3>Afstemning: Indstillingen</h3>" in page
    assert page.count("<dt>For</dt>") == 2
    assert "<dt>Mødte i stedet</dt><dd>Kim Aslan (Ø)</dd>" in page


@pytest.mark.django_db
def test_a_closed_items_votes_and_remarks_stay_closed(client, django_user_model, byraad):
    closed = byraad["2"]
    assert closed.closed
    remark = "Ø tog forbehold for prisen på havnegrunden."
    assert client.get(closed.get_absolute_url()).status_code == 404
    assert remark not in client.get(closed.meeting.get_absolute_url()).text
    caseworker = django_user_model.objects.create_user("sagsbehandler", password="hemmeligt-kodeord-42")
    caseworker.user_permissions.add(Permission.objects.get(codename="view_closed_item"))
    client.force_login(caseworker)
    page = client.get(closed.get_absolute_url()).text
    assert f"<p>{remark}</p>" in page and "<dt>Imod</dt><dd>Ø</dd>" in page


@pytest.mark.django_db
def test_admin_shows_and_keeps_votes_and_remarks(admin_client, byraad):
    stored = byraad["1"].decisions.get()
    page = admin_client.get(f"/admin/minutes/decision/{stored.pk}/change/").text
    assert "Afstemning" in page and "Ændringsforslag fra Ø" in page and "Kim Aslan (Ø)" in page
    closed = byraad["2"].decisions.get()
    page = admin_client.get(f"/admin/minutes/decision/{closed.pk}/change/").text
    assert "Ø tog forbehold for prisen på havnegrunden." in page
