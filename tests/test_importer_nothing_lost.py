"""Nothing is lost: every word of every document, outside headings and labels, is stored somewhere;
and nothing of a closed item is stored in an open one."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from minutes.importer import blocks
from minutes.importer.dates import find_dates
from minutes.importer.decode import reading_lines
from minutes.importer.pages import absorb
from minutes.importer.reader import HEADER_LABELS, KIND_WORDS, TOC_LABELS, _label
from minutes.models import AgendaItem, Meeting, SourceDocument

DATA = Path(__file__).parent / "data" / "importer"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "in.txt").exists())
WORD = re.compile(r"[\wæøåÆØÅ]+")

pytestmark = pytest.mark.django_db


def structural(line: str) -> bool:
    """Headings and labels: their words are structure, not content."""
    text = line.strip().lstrip("#").strip().strip("*")
    folded = text.casefold().rstrip(":")
    return bool(
        blocks.item_heading(line) and not line.startswith(" ")
        or blocks.section_heading(text)
        or blocks.decision_heading(text)
        or blocks.case_line(text)
        or blocks.status_line(text) is not None
        or blocks.is_navigation(text)
        or folded in KIND_WORDS or folded in TOC_LABELS or folded in HEADER_LABELS
        or (find_dates(text) and len(text) <= 80 and ("–" in text or " - " in text))
        or (find_dates(text) and len(text) <= 40)
        or blocks.CLOSED_PREFIX.match(text)
        or _label(text)
        or blocks.kle_access_line(text)
        or re.match(r"punktnummer\s*:", folded)  # an earlier body's item number: a decision field
        or folded.split(" ")[0] in TOC_LABELS
        or folded in {"ingen", "til"}
        or (find_dates(text) and len(text) <= 80 and not text.endswith("."))
        or re.fullmatch(r"\D+\s\d{1,4}|\d{1,4}", text)  # a contents entry's page number, or the number alone
    )


def stored_words(meeting: Meeting) -> set[str]:
    parts = [meeting.committee.name, meeting.kind, meeting.location, meeting.title,
             *meeting.participants, *meeting.absent, *meeting.header.keys(), *meeting.header.values()]
    for item in meeting.items.all():
        parts += [item.number or "", item.title, item.case_number, *item.metadata.values()]
        for section in item.sections:
            parts += [section["heading"], section["text"]]
        for decision in item.decisions.all():
            parts += [decision.body, decision.text, decision.item_number, *decision.absent]
    return {w.casefold() for part in parts for w in WORD.findall(part)}


@pytest.mark.parametrize("name", CASES)
def test_every_content_word_is_stored(name):
    path = DATA / name / "in.txt"
    call_command("import_referater", str(path), verbosity=0, stdout=open("/dev/null", "w"))
    source = SourceDocument.objects.get(file_name=str(path))
    assert source.text == path.read_bytes().decode("utf-8")  # the source as received, whole
    words = stored_words(source.meeting)
    missing = [
        (line.strip(), word)
        for line in absorb(reading_lines(source.text)) if line.strip() and not structural(line)
        for word in WORD.findall(line) if word.casefold() not in words
    ]
    assert missing == []


def item_words(item: AgendaItem) -> set[str]:
    parts = [item.title, item.case_number, *item.metadata.values()]
    parts += [part for section in item.sections for part in (section["heading"], section["text"])]
    parts += [part for decision in item.decisions.all()
              for part in (decision.body, decision.text, decision.item_number, *decision.absent)]
    return {w.casefold() for part in parts for w in WORD.findall(part)}


def heading_of(item: AgendaItem, line: str) -> bool:
    """The line names the item: its number first ("4.", "Punkt 4", "Nr.4", "## 4"), then its title."""
    numbered = re.match(rf"\W*(?:[^\W\d]{{1,6}}\.?\s*)?{re.escape(item.number)}\b", line)
    return bool(numbered) and item.title.casefold()[:30] in line.casefold()


def source_regions(lines: list[str], items: list[AgendaItem]) -> dict[int, tuple[int, int]]:
    """Each item's lines in the source: from its heading to the next item's heading. Found from the
    end, so that a table of contents before the items is left in the header."""
    regions, end = {}, len(lines)
    for item in reversed(items):
        start = next((i for i in range(end - 1, -1, -1) if heading_of(item, lines[i])), None)
        assert start is not None, f"no heading for item {item.number} {item.title!r}"
        regions[item.pk] = (start, end)
        end = start
    return regions


@pytest.mark.parametrize("name", CASES)
def test_no_closed_item_text_is_stored_in_an_open_item(name):
    """Words printed only in closed items (their headings, in the table of contents too, and their
    text up to the next item) are in no open item's title, sections, case line or decisions."""
    path = DATA / name / "in.txt"
    call_command("import_referater", str(path), verbosity=0, stdout=open("/dev/null", "w"))
    source = SourceDocument.objects.get(file_name=str(path))
    items = list(source.meeting.items.order_by("order"))
    closed = [item for item in items if item.closed]
    lines = reading_lines(source.text)
    regions = source_regions(lines, [item for item in items if item.number])
    in_closed = {i for item in closed for i in range(*regions[item.pk])}
    in_closed |= {i for i, line in enumerate(lines) for item in closed if heading_of(item, line)}
    closed_words = {w.casefold() for i in in_closed for w in WORD.findall(lines[i])}
    open_words = {w.casefold() for i, line in enumerate(lines) if i not in in_closed for w in WORD.findall(line)}
    only_closed = closed_words - open_words
    leaked = {(item.number, word) for item in items if not item.closed for word in item_words(item) & only_closed}
    assert leaked == set()
    if closed:
        assert only_closed  # the check has words to look for
