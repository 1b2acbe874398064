"""The shared blocks on their own, and an unseen layout built from them."""

import datetime
from decimal import Decimal

import pytest

from minutes.importer import blocks
from minutes.importer.dates import find_dates, find_time, parse_date
from minutes.importer.decode import DecodeError, decode
from minutes.importer.extract import classify_outcome, find_amounts, find_follow_ups
from minutes.importer.organisations import OrganisationMatcher
from minutes.importer.reader import Context, read
from search.lookalikes import fold_lookalikes

D = datetime.date


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("15. januar 2024", D(2024, 1, 15)),
        ("24-03-2021", D(2021, 3, 24)),
        ("Onsdag, 24 marts, 2021 - 15:00", D(2021, 3, 24)),
        ("02-11-2023 15:00:00", D(2023, 11, 2)),
        ("tirsdag den 10. maj 2022 kl. 08:30", D(2022, 5, 10)),
        ("10.08.20", D(2020, 8, 10)),
        ("2024-01-15", D(2024, 1, 15)),
        ("Wednesday, March 24, 2021", D(2021, 3, 24)),
        ("den 30. september til 1. oktober 2019", D(2019, 9, 30)),
    ],
)
def test_dates_in_every_printed_form(text, date):
    assert parse_date(text) == date


def test_impossible_dates_are_ignored():
    assert find_dates("31-02-2021 og 45. marts 2020") == []


@pytest.mark.parametrize(
    ("text", "time"),
    [("Onsdag, 24 marts, 2021 - 15:00", (15, 0)), ("kl. 8.30", (8, 30)), ("02-11-2023 17:30:00", (17, 30))],
)
def test_times(text, time):
    assert find_time(text) == datetime.time(*time)


def test_a_date_is_not_a_time():
    assert find_time("10.08.20") is None


@pytest.mark.parametrize(
    ("text", "outcome"),
    [
        ("At 1: Godkendt.", "approved"),
        ("Social- og Beskæftigelsesudvalget følger indstillingen.", "approved"),
        ("Tiltrådt.", "approved"),
        ("Anbefales.", "recommended"),
        ("Anbefales godkendt.", "recommended"),
        ("At 1: Taget til orientering.", "noted"),
        ("Udvalget tager orienteringen til efterretning.", "noted"),
        ("Drøftet.", "discussed"),
        ("Afvist.", "rejected"),
        ("Indstillingen blev ikke godkendt.", "rejected"),
        ("Udvalget udsætter sagen til næste møde.", "postponed"),
        ("At 1: Godkendt. At 2: Taget til efterretning.", "other"),
        ("Udvalget ønsker, at forvaltningen arbejder videre med de digitale muligheder.", "other"),
        ("", "other"),
    ],
)
def test_outcomes_from_danish_wording(text, outcome):
    assert classify_outcome(text) == outcome


@pytest.mark.parametrize(
    ("text", "kroner"),
    [
        ("et grundbeløb på 317.000 kr. Dertil", Decimal("317000")),
        ("Investeringen beløber sig til 4.133.399 kr.", Decimal("4133399")),
        ("en besparelse på 1,2 mio. kr. fra 2025", Decimal("1200000")),
        ("Pris 300.000,00 kr ex Moms", Decimal("300000")),
        ("en budgetbesparelse på 16 millioner kr. på", Decimal("16000000")),
        ("en ramme på 1.500 t.kr.", Decimal("1500000")),
    ],
)
def test_amounts_in_kroner(text, kroner):
    assert [a.kroner for a in find_amounts(text)] == [kroner]


def test_percentages_and_counts_are_not_amounts():
    assert find_amounts("50 % af 1.587 borgere i 2024") == []


def test_follow_ups_are_promises_after_the_meeting():
    text = ("Udvalget ser frem til at modtage en status i foråret 2025. "
            "Udvalget behandlede sagen i februar 2023. Udvalget orienteres om status i 3. kvartal 2024.")
    found = find_follow_ups(text, after=D(2024, 3, 7))
    assert [(f.period, f.due_start, f.due_end) for f in found] == [
        ("foråret 2025", D(2025, 3, 1), D(2025, 5, 31)),
        ("3. kvartal 2024", D(2024, 7, 1), D(2024, 9, 30)),
    ]


def test_a_past_period_is_no_promise():
    assert find_follow_ups("Udvalget fik en status i januar 2020.", after=D(2024, 1, 1)) == []


@pytest.mark.parametrize(
    ("line", "number", "title", "item_type", "closed"),
    [
        ("1. Godkendelse af dagsorden (B)", "1", "Godkendelse af dagsorden", "B", False),
        ("Punkt 10 Orientering (Lukket)", "10", "Orientering", None, True),
        ("115. Lukket punkt: Personsag", "115", "Personsag", None, True),
        ("4. Salg af grund på Havnevej 12 (lukket)", "4", "Salg af grund på Havnevej 12", None, True),
        ("10.1 Budgetopfølgning", "10.1", "Budgetopfølgning", None, False),
    ],
)
def test_item_headings(line, number, title, item_type, closed):
    heading = blocks.item_heading(line)
    assert (heading.number, heading.title, heading.item_type, heading.closed) == (number, title, item_type, closed)


def test_a_recommendation_list_entry_is_not_a_title():
    assert not blocks.looks_like_title(blocks.item_heading("1. at dagsordenen godkendes."))


@pytest.mark.parametrize(
    ("line", "body", "date"),
    [
        ("Beslutning i Udvalget for Voksne og Handicap den 02-11-2023",
         "Udvalget for Voksne og Handicap", "02-11-2023"),
        ("Beslutning i Erhvervs-, Beskæftigelses- og Uddannelsesudvalget den 7. marts 2024",
         "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", "7. marts 2024"),
        ("Beslutning", None, None),
    ],
)
def test_decision_headings(line, body, date):
    heading = blocks.decision_heading(line)
    assert (heading.body, heading.date_text) == (body, date)


def test_prose_starting_with_beslutning_is_not_a_heading():
    assert blocks.decision_heading("Beslutningen blev truffet efter en lang drøftelse.") is None


def test_absences():
    assert blocks.absence_label("Fraværende: Ingen") == []
    assert blocks.absence_label("Fraværende: Peter Dam (C), Lise Bonde (A)") == ["Peter Dam (C)", "Lise Bonde (A)"]
    assert blocks.absence_sentence("Hans Kirk (V) var fraværende.") == ["Hans Kirk (V)"]


def test_decoding_refuses_binaries_and_detects_windows_1252():
    with pytest.raises(DecodeError):
        decode(b"\x00\x01\x02binary")
    decoded = decode("Beskæftigelsesudvalget følger indstillingen – økonomi på 317.000 kr.".encode("cp1252"))
    assert decoded.encoding == "cp1252"
    assert "Beskæftigelsesudvalget følger" in decoded.text


def test_lookalike_letters_are_folded_by_what_reads_as_danish():
    assert fold_lookalikes("hjørnестenen") == "hjørnestenen"  # Cyrillic е, с, т
    assert fold_lookalikes("Сode of Сare") == "Code of Care"  # Cyrillic С at the start of a Latin word
    assert fold_lookalikes("Москва") == "Москва"  # a wholly Cyrillic word is left alone


def test_abbreviations_match_only_in_capitals():
    matcher = OrganisationMatcher([("Kommunernes Landsforening", ["KL"]), ("Ankestyrelsen", [])])
    found, _ = matcher.find("Mødet starter kl. 15. KL's analyse og Ankestyrelsens undersøgelse.")
    assert [f.name for f in found] == ["Kommunernes Landsforening", "Ankestyrelsen"]


UNSEEN_LAYOUT = """Kommunalbestyrelsen
Beslutningsprotokol
Mødedato: 12.06.2023
Mødested: Rådhuset, mødesal 1

Punkt 1: Meddelelser
Sagsnr. 23/4567
Sagsfremstilling
Borgmesteren orienterede om samarbejdet med Ældre Sagen i Odsherred Kommune.
Beslutning i Kommunalbestyrelsen den 12.06.2023
Taget til efterretning.

Punkt 2: Ansøgning om tilskud til Foreningen Havekraft (Lukket)

Punkt 3: Budget 2024
Sagsnr. 23/1111
Indstilling
Direktionen indstiller, at budgettet godkendes med en ramme på 2,5 mio. kr.
Beslutning i Økonomiudvalget den 1.6.2023
Anbefales.
Beslutning i Kommunalbestyrelsen den 12.06.2023
Godkendt.
Fraværende: Ole Hansen (V)
"""


def test_an_unseen_layout_made_of_the_same_blocks_reads():
    context = Context({"Odsherred": {"odsherred", "odsherreds"}}, OrganisationMatcher([("Ældre Sagen", [])]))
    meeting, warnings = read(UNSEEN_LAYOUT, context)
    assert (meeting.municipality, meeting.committee, meeting.date, meeting.kind, meeting.location) == (
        "Odsherred", "Kommunalbestyrelsen", D(2023, 6, 12), "referat", "Rådhuset, mødesal 1")
    assert [(i.number, i.title, i.case_number, i.closed) for i in meeting.items] == [
        ("1", "Meddelelser", "23/4567", False),
        ("2", "Ansøgning om tilskud til Foreningen Havekraft", None, True),
        ("3", "Budget 2024", "23/1111", False),
    ]
    first, _, budget = meeting.items
    assert [m.organisation for m in first.mentions] == ["Ældre Sagen"]
    assert [(d.body, d.date, d.outcome, d.absent) for d in budget.decisions] == [
        ("Økonomiudvalget", D(2023, 6, 1), "recommended", []),
        ("Kommunalbestyrelsen", D(2023, 6, 12), "approved", ["Ole Hansen (V)"]),
    ]
    assert [a.kroner for a in budget.amounts] == [Decimal("2500000")]
