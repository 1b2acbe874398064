"""Layouts and artefacts the importer meets in real referater, and failing closed when in doubt."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from minutes.importer import blocks
from minutes.importer.decode import reading_lines
from minutes.importer.pages import absorb
from minutes.models import AgendaItem, ImportRun

pytestmark = pytest.mark.django_db

# A layout in none of the shared examples: bulleted "Pkt." headings, the committee and status on
# the case line, decisions as "<committee>, <date>, pkt. N", a closed item whose status word ends
# its case line after a run of spaces (a PDF table), page furniture between paragraphs.
BULLETED = """Vordingborg Kommune
Social- og Sundhedsudvalget
Referat 13-06-2023 kl. 15:00

• Pkt. 61 Godkendelse af dagsorden
Sagsnr. 410221 Social- og Sundhedsudvalget Åbent punkt
Social- og Sundhedsudvalget, 13-06-2023, pkt. 61
Godkendt.

• Pkt. 62 Aftale med Kvistgaard Beskæftigelsescenter om forløb for borgere i ressourceforløb
Sagsnr. 410298 Social- og Sundhedsudvalget Åbent punkt
Sagsfremstilling
Kvistgaard Beskæftigelsescenter tilbyder forløb i køkken og værksted, og målet er, at borgerne kommer
tættere på beskæftigelse. Aftalen omfatter beskæfti-
gelsesindsatsen for 20 borgere om året, og medﬁnansieringen er 450.000 kr. Integrations\u00adindsatsen og ﬁnansieringen
Side 3 af 7
indgår ikke.
Social- og Sundhedsudvalget, 13-06-2023, pkt. 62
Godkendt.

• Pkt. 63 Personalesag vedrørende Ravnholtprojektet
Sagsnr.: 410377     Dok.nr.: 88812     Lukket
Social- og Sundhedsudvalget, 13-06-2023, pkt. 63
Taget til efterretning.
"""


@pytest.fixture
def stdin(monkeypatch):
    def use(text):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
    return use


def parse(text, stdin, *args):
    stdin(text)
    out = io.StringIO()
    call_command("import_referater", "-", "--dry-run", "--json", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())["documents"][0]


def test_an_unseen_bulleted_layout_reads_item_by_item(stdin):
    document = parse(BULLETED, stdin)
    meeting = document["meeting"]
    assert meeting["committee"] == "Social- og Sundhedsudvalget"
    assert [(i["number"], i["case_number"], i["closed"]) for i in meeting["items"]] == [
        ("61", "410221", False), ("62", "410298", False), ("63", "410377", True)]
    assert meeting["items"][1]["title"] == (
        "Aftale med Kvistgaard Beskæftigelsescenter om forløb for borgere i ressourceforløb")
    assert [(d["body"], d["date"], d["outcome"]) for d in meeting["items"][1]["decisions"]] == [
        ("Social- og Sundhedsudvalget", "2023-06-13", "approved")]
    assert document["warnings"] == []


def test_pdf_artefacts_leave_the_text_whole_and_split_no_word(stdin):
    text = parse(BULLETED, stdin)["meeting"]["items"][1]["sections"]["Sagsfremstilling"]
    assert "beskæftigelsesindsatsen" in text and "beskæfti-" not in text  # joined across the line break
    assert "medfinansieringen" in text  # the ligature spelled out
    assert "Integrationsindsatsen" in text  # the soft hyphen gone
    assert "Side 3" not in text and "indgår ikke." in text  # the footer absorbed, the paragraph kept


def test_search_finds_the_words_pdf_text_broke(client, tmp_path):
    (tmp_path / "bulleted.txt").write_text(BULLETED)
    call_command("import_referater", str(tmp_path / "bulleted.txt"), stdout=io.StringIO(), stderr=io.StringIO())
    item = AgendaItem.objects.get(number="62", meeting__committee__name="Social- og Sundhedsudvalget")
    for query in ("beskæftigelsesindsatsen", "finansiering", "medfinansieringen", "integrationsindsatsen"):
        results = client.get("/api/search", {"q": query}).json()["results"]
        assert f"/punkt/{item.pk}/" in json.dumps(results), query


def test_a_suspended_hyphen_stays():
    assert absorb(["Beskæftigelses-", "og Socialudvalget"]) == ["Beskæftigelses-", "og Socialudvalget"]
    assert absorb(["på arbejds-", "markedet eller"]) == ["på arbejdsmarkedet", "eller"]


def test_page_furniture_is_absorbed():
    lines = reading_lines("Udvalget 11-04-2016\nTekst om sagen\nSide 233\n\x0cUdvalget 11-04-2016\nmere tekst\n"
                          "Side 234\n\x0cUdvalget 11-04-2016\nSide 3 af 12\nSide 198")
    assert [line for line in absorb(lines) if line] == ["Udvalget 11-04-2016", "Tekst om sagen", "mere tekst"]


@pytest.mark.parametrize("line", ["Ingen.", "Udvalget for Voksne og Handicap"])
def test_a_text_line_that_opens_a_few_pages_stays(line):
    """A running header opens most pages; a line opening two pages of four is the text's."""
    pages = [f"Vurdering:\n{line}", f"{line}\nmere tekst", "tekst", f"{line}\ntekst"]
    lines = reading_lines("".join(f"{page}\nSide {n} af 4\n\x0c" for n, page in enumerate(pages, 1)))
    assert [text for text in absorb(lines) if text].count(line) == 3


@pytest.mark.parametrize("opening", ["Arbejdsmarked og Borgerservice indstiller,", "Udvalg: Beskæftigelsesudvalget",
                                     "Beslutningssag", "Lukket punkt"])
def test_an_items_block_that_opens_page_after_page_stays(opening):
    lines = reading_lines("".join(f"\x0c{opening}\ntekst {n}\nSide {n}\n" for n in range(1, 4)))
    assert [line for line in absorb(lines) if line].count(opening) == 3


def test_the_documents_own_header_after_web_navigation_stays():
    header = "Beskæftigelses- og Socialudvalget - Referat - 26. september 2023"
    lines = reading_lines(f"Tilbage til oversigt\n{header}\ntekst\n\x0c{header}\nmere\n\x0c{header}\nslut")
    assert [line for line in absorb(lines) if line] == ["Tilbage til oversigt", header, "tekst", "mere", "slut"]


def test_a_title_that_opens_most_pages_is_a_running_header():
    pages = ["Indhold", "tekst", "mere", "slut"]
    lines = reading_lines("\x0cBeskæftigelsesplan 2025\n".join(pages))
    assert [line for line in absorb(lines) if line] == ["Indhold", "tekst", "mere", "slut"]


@pytest.mark.parametrize("line", ["Til toppen", "• Udskriv", "Udskriv hele dagsordnen", "Fold alle ud",
                                  "Tilbage til oversigt", "fold dette punkt ind", "Hent som fil:"])
def test_web_navigation_is_no_content(line):
    assert blocks.is_navigation(line)


@pytest.mark.parametrize("line", [
    "Lukket", "Lukket punkt", "(Lukket sag)", "Fortroligt", "Closed item",
    "Sagsnr.: 23/1    Dok.nr.: 5     Lukket", "Dok.nr.: 3502 Sagsid.: 16/1987 Initialer: mkj Lukket sag",
    "Til behandling - for lukkede døre", "Lukket punkt: Personsag", "Personsag (lukket)",
])
def test_every_closed_status_word_is_a_closed_marker(line):
    assert blocks.closed_marker(line)


@pytest.mark.parametrize("line", ["Butikken er lukket om søndagen.", "Åbent punkt", "Sagsnr.: 23/1 Åben sag"])
def test_open_lines_are_no_closed_marker(line):
    assert not blocks.closed_marker(line)


HIDDEN_CLOSED = """Økonomiudvalget – Referat – 12. februar 2024
Slagelse Kommune

1. Godkendelse af dagsorden (B)
Beslutning
Godkendt.

2. Orientering om budgettet (B)
Sagens indhold
Budgettet følger planen.
Lukket punkt – Fortrolig personsag om Quaxbjerg
Sagens indhold
Medarbejderen Quaxbjerg har fået en advarsel.
Beslutning
Taget til efterretning.

3. Ansøgning om tilskud (B)
Sagsnr.: 24-000123
"""


def test_a_closed_marker_inside_an_open_item_holds_it_back(stdin):
    document = parse(HIDDEN_CLOSED, stdin)
    items = {i["number"]: i for i in document["meeting"]["items"]}
    assert (items["1"]["closed"], items["2"]["closed"], items["3"]["closed"]) == (False, True, True)
    assert any("punkt 2" in w and "holdes tilbage" in w for w in document["warnings"])
    assert any("punkt 3" in w and "gemt som lukket" in w for w in document["warnings"])


def test_strict_fails_a_misread_document_and_stores_nothing(stdin, tmp_path):
    path = tmp_path / "oekonomiudvalget.txt"
    path.write_text(HIDDEN_CLOSED)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_referater", str(path), "--strict", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "ser forkert læst ud og er ikke gemt (--strict)" in err.getvalue()
    assert not AgendaItem.objects.filter(meeting__source__file_name__endswith="oekonomiudvalget.txt").exists()


def test_without_strict_the_warnings_reach_the_import_run(tmp_path):
    path = tmp_path / "oekonomiudvalget.txt"
    path.write_text(HIDDEN_CLOSED)
    call_command("import_referater", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    run = ImportRun.objects.latest("started_at")
    assert sum("holdes tilbage" in w for w in run.warnings) == 1
    held = AgendaItem.objects.get(title="Orientering om budgettet")
    assert held.closed


def test_closed_items_of_every_layout_are_hidden_from_the_public(client, admin_client, tmp_path):
    (tmp_path / "bulleted.txt").write_text(BULLETED)
    data = Path(__file__).parent / "data" / "importer"
    call_command("import_referater", str(tmp_path / "bulleted.txt"), *map(str, sorted(data.glob("*/in.txt"))),
                 "--workers", "1", stdout=io.StringIO(), stderr=io.StringIO())
    closed = list(AgendaItem.objects.filter(closed=True).select_related("meeting__source"))
    layouts = {Path(item.meeting.source.file_name).parent.name for item in closed}
    assert len(closed) >= 9 and len(layouts) >= 8  # every layout that has a closed item
    for item in closed:
        assert client.get(f"/punkt/{item.pk}/").status_code == 404
        assert admin_client.get(f"/punkt/{item.pk}/").status_code == 200
        words = " ".join(w for w in item.title.split() if len(w) > 4) or item.title
        public = client.get("/api/search", {"q": words}).json()
        staff = admin_client.get("/api/search", {"q": words}).json()
        assert f"/punkt/{item.pk}/" in json.dumps(staff), item.title  # the check can fail
        assert f"/punkt/{item.pk}/" not in json.dumps(public), item.title
        assert public["count"] < staff["count"], item.title  # counted for staff only
        for path in ("/soeg/feed.atom", "/soeg/eksport.csv", "/soeg/"):
            body = client.get(path, {"q": words}).content.decode()
            assert f"/punkt/{item.pk}/" not in body, (path, item.title)


def test_a_contents_entry_whose_heading_wraps_later_is_no_item(stdin):
    """The contents list the whole title on one line; the item's own heading wraps it, with the
    case line below the second line."""
    document = parse("""Erhvervsudvalget
Referat 07-03-2024 kl. 15:00

Sag nr. 6: Samarbejde med Code of Care om virksomhedsrettede forløb for ledige (O)

Sag nr. 6: Samarbejde med Code of Care om virksomhedsrettede forløb for
ledige (O)
Sagsnr. 23-021728 Erhvervsudvalget Åbent punkt

Sagsfremstilling
Udvalget orienteres om samarbejdet.

Beslutning
Taget til orientering.
""", stdin, "--municipality", "Slagelse")
    [item] = document["meeting"]["items"]
    assert item["title"] == "Samarbejde med Code of Care om virksomhedsrettede forløb for ledige"
    assert (item["case_number"], item["item_type"]) == ("23-021728", "O")
    assert list(item["sections"]) == ["Sagsfremstilling"]


@pytest.mark.parametrize("closed_item", [
    "Sagsid.: 27.24.00-G01-18-23\n5. Lukket sag: Køb af pladser på privat botilbud\n",
    "Sagsid.: 27.24.00-G01-18-23\n5. Køb af pladser på privat botilbud\nLukket punkt\n\f\n",
], ids=["status-in-heading", "status-line-below"])
def test_case_blocks_above_headings_stay_with_their_items_around_an_empty_closed_item(stdin, closed_item):
    """The document prints each case line above its heading; the closed item has no text, so the
    next item's case line is the first thing below its heading (and its status line is not the
    next item's)."""
    document = parse(f"""Beskæftigelsesudvalget - Referat - 26. september 2023

Sagsid.: 27.00.00-P22-2-23
4. Handleplan for handicappolitikken 2024
Beslutning:
Godkendt.

{closed_item}
Sagsid.: 15.00.00-A00-27-23
6. Orientering om analyse af virksomhedskontakt
Beslutning:
Taget til efterretning.
""", stdin, "--municipality", "Slagelse")
    items = document["meeting"]["items"]
    assert [(i["number"], i["case_number"], i["closed"]) for i in items] == [
        ("4", "27.00.00-P22-2-23", False), ("5", "27.24.00-G01-18-23", True), ("6", "15.00.00-A00-27-23", False)]
    assert items[0]["decisions"][0]["text"] == "Godkendt."


def test_contents_entries_with_page_numbers_years_and_status_are_no_items(stdin):
    """Contents entries end in a page number, after a year in the title or a "(lukket)"; the
    entries are no items, and the status in the contents closes its item."""
    document = parse("""Beskæftigelsesudvalget
Referat 11-04-2016

Indholdsfortegnelse Pkt. Tekst Side
19. Godkendelse af dagsorden 183
20. Boligplacering af flygtninge 2016 185
21. Klage over afgørelse om ressourceforløb (lukket) 188

19. Godkendelse af dagsorden
Beslutning
Godkendt.

20. Boligplacering af flygtninge 2016
Beslutning
Godkendt.

21. Klage over afgørelse om ressourceforløb
Beslutning
Klagen blev behandlet.
""", stdin, "--municipality", "Slagelse")
    items = document["meeting"]["items"]
    assert [(i["number"], i["title"], i["closed"]) for i in items] == [
        ("19", "Godkendelse af dagsorden", False), ("20", "Boligplacering af flygtninge 2016", False),
        ("21", "Klage over afgørelse om ressourceforløb", True)]


def test_contents_entries_wrapped_onto_a_dot_leader_line_are_no_items(stdin):
    document = parse("""Byrådet
Referat 27. maj 2024

PUNKTER
A. Sager til afgørelse i byrådet
71. Godkendelse af dagsorden..............................................132
B. Sager til afgørelse i udvalget
72. Forslag fra V om jobpræmie til virksomheder, der ansætter
langtidsledige............................................................133
73. Frivillighedsaftale med Røde Kors om integrationsindsatsen
2024-2026.................................................................133

A. Sager til afgørelse i byrådet
71. Godkendelse af dagsorden
Beslutning
Godkendt.

B. Sager til afgørelse i udvalget
72. Forslag fra V om jobpræmie til virksomheder, der ansætter langtidsledige
Sagsnr.: 24/9120
Beslutning
Forslaget faldt.

73. Frivillighedsaftale med Røde Kors om integrationsindsatsen 2024-2026
Beslutning
Godkendt.
""", stdin, "--municipality", "Fredensborg")
    items = document["meeting"]["items"]
    assert [(i["number"], i["title"], i["case_number"]) for i in items] == [
        ("71", "Godkendelse af dagsorden", None),
        ("72", "Forslag fra V om jobpræmie til virksomheder, der ansætter langtidsledige", "24/9120"),
        ("73", "Frivillighedsaftale med Røde Kors om integrationsindsatsen 2024-2026", None)]


def test_an_empty_closed_items_case_block_below_its_heading_stays_with_it(stdin):
    """Case lines below wrapped headings and a group heading; the closed item has nothing but its
    block, which must not be taken for a case block above the next heading."""
    document = parse("""Beskæftigelsesudvalget - Referat - 26. september 2023

Punkt 4 Handleplan for handicappolitikken 2024 med tre spor for job, fritid og
overgange
B. Sager til afgørelse i udvalget
Sagsnr. 27.00.00-P22-2-23 Beskæftigelsesudvalget Åbent punkt

BESLUTNING:
Godkendt.

Punkt 5 Køb af pladser på privat botilbud til borgere med
særlige behov
C. Orientering
Sagsnr. 27.24.00-G01-18-23 Beskæftigelsesudvalget Lukket punkt
Fortroligt

Punkt 6 Orientering om STAR's analyse af jobcentrenes
virksomhedskontakt
C. Orientering
Sagsnr. 15.00.00-A00-27-23 Beskæftigelsesudvalget Åbent punkt

RESUMÉ:
STAR har analyseret jobcentrenes samarbejde med virksomhederne.
""", stdin, "--municipality", "Odense")
    items = document["meeting"]["items"]
    assert [(i["number"], i["case_number"], i["closed"], list(i["sections"])) for i in items] == [
        ("4", "27.00.00-P22-2-23", False, []), ("5", "27.24.00-G01-18-23", True, []),
        ("6", "15.00.00-A00-27-23", False, ["RESUMÉ"])]


def test_an_item_that_opens_with_earlier_bodies_decisions_is_an_item(stdin):
    document = parse("""Byrådet - REFERAT - 24. marts 2021

1. Godkendelse af dagsorden

Beslutning i Byrådet d. 24/3-2021
Godkendt.

2. Samarbejdsaftale med Powerjobsøgerne

Udvalg: Beskæftigelsesudvalget
Dato: 03-03-2021
Punktnummer: 95

Anbefales.

Beslutning i Byrådet d. 24/3-2021
Godkendt.
""", stdin, "--municipality", "Brønderslev")
    items = document["meeting"]["items"]
    assert [i["number"] for i in items] == ["1", "2"]
    assert [(d["body"], d["date"]) for d in items[1]["decisions"]] == [
        ("Beskæftigelsesudvalget", "2021-03-03"), ("Byrådet", "2021-03-24")]


def test_a_last_closed_item_with_no_text_after_a_page_break_is_read(stdin):
    document = parse("""Udvalget for Voksne og Handicap - Referat
02-11-2023

Indholdsfortegnelse
112. Godkendelse af dagsorden..........................142
113. Orientering om samarbejdet med DSI................142
Lukkede punkter
114. Lukket: Personsag.................................142

112. Godkendelse af dagsorden

Beslutninger
Godkendt

113. Orientering om samarbejdet med DSI

Beslutninger
Taget til efterretning

Lukkede punkter


Side 3 af 4



114. Personsag


Side 4 af 4
""", stdin, "--municipality", "Aarhus")
    items = document["meeting"]["items"]
    assert [(i["number"], i["title"], i["closed"]) for i in items] == [
        ("112", "Godkendelse af dagsorden", False), ("113", "Orientering om samarbejdet med DSI", False),
        ("114", "Personsag", True)]
    assert items[1]["decisions"][0]["text"] == "Taget til efterretning"
