"""Nothing is lost: every word of every document, outside headings and labels, is stored somewhere."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from minutes.importer import blocks
from minutes.importer.dates import find_dates
from minutes.importer.decode import reading_lines
from minutes.importer.pages import absorb
from minutes.importer.reader import HEADER_LABELS, KIND_WORDS, TOC_LABELS, _label
from minutes.models import Meeting, SourceDocument

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
        or blocks.access_line(text) is not None
        or blocks.is_navigation(text)
        or folded in KIND_WORDS or folded in TOC_LABELS or folded in HEADER_LABELS
        or (find_dates(text) and len(text) <= 80 and ("–" in text or " - " in text))
        or (find_dates(text) and len(text) <= 40)
        or blocks._CLOSED_PREFIX.match(text)
        or _label(text)
        or blocks.kle_access_line(text)
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
            parts += [decision.body, decision.text, *decision.absent]
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
