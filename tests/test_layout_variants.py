"""Layout variants (issue 22, point 7): each golden document printed again in unseen layouts.

tests/layouts.py takes the ground truth of every golden document (tests/data/importer/*/out.json,
the dry-run meeting) and prints it as a whole referat whose blocks take randomly chosen forms:
header, item headings, case and status lines, closed markers, group headings, a table of
contents, section and decision headings, dates, page furniture, wrapping, hyphens, ligatures,
navigation lines, line endings and encoding. The reader must recover the item numbers, titles,
types, case numbers, closed flags, sections and decisions (body, date, outcome, text) of every
variant. A failure names the variant, the fields that differ, the forms of the failing item, a
command that reproduces it and the printed text of that item.

VARIANT_FORMS restricts blocks to some of their forms, to work on one form at a time; blocks not
named keep all their forms. Shell wildcards are allowed:

    VARIANT_FORMS="heading.punkt_colon,pages.footer_*" .venv/bin/python -m pytest tests/test_layout_variants.py
    .venv/bin/python -m tests.fuzz_layouts --list-forms       # every block and its forms

The committed test runs all forms. `make fuzz-layouts N=10000 [SEED=…]` runs many more
variants, tries each form alone and sorts the failures by the form that causes them.
"""

import random
from pathlib import Path

import pytest

from minutes.importer.store import build_context

import layouts

SEED = 2207
VARIANTS = 330  # over all golden documents; about 10 ms each
MEETINGS = layouts.golden_meetings()
PER_DOCUMENT = -(-VARIANTS // max(1, len(MEETINGS)))
CASES = [(name, number) for name in MEETINGS for number in range(PER_DOCUMENT)] or [("(no golden document)", 0)]
# Variants the reader does not read yet (issue 22 stays open for them): each is a strict xfail, so
# the test fails when one of them starts to pass (take it off the list) and when any other fails.
KNOWN = set((Path(__file__).parent / "data" / "layout_variants_known_failures.txt").read_text().split())


def _case(name: str, number: int):
    ident = f"{name}#{number:02d}"
    marks = [pytest.mark.xfail(strict=True, reason="known layout variant not read yet")] if ident in KNOWN else []
    return pytest.param(name, number, marks=marks, id=ident)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def context(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_context()


@pytest.mark.parametrize(("name", "number"), [_case(name, number) for name, number in CASES])
def test_reader_recovers_the_meeting_from_a_layout_variant(name, number, context):
    assert name in MEETINGS, f"no golden out.json in the dry-run meeting shape under {layouts.GOLDEN}"
    variant = layouts.make_variant(MEETINGS[name], SEED, name, number)
    mismatches = layouts.read_variant(variant, context)
    assert not mismatches, layouts.report(variant, mismatches)


# --- The generator itself ------------------------------------------------------------------------------
MEETING = {
    "municipality": "Slagelse", "committee": "Beskæftigelsesudvalget", "date": "2024-03-07", "kind": "referat",
    "items": [
        {"number": "1", "title": "Godkendelse af dagsorden", "item_type": "B", "case_number": "24/101",
         "closed": False, "sections": {"Indstilling": "Direktøren indstiller, at dagsordenen godkendes."},
         "section_order": ["Indstilling"],
         "decisions": [{"body": "Beskæftigelsesudvalget", "date": "2024-03-07", "outcome": "approved",
                        "text": "Godkendt.", "absent": []}]},
        {"number": "2", "title": "Køb af forløb hos privat leverandør", "item_type": None, "case_number": "24/102",
         "closed": True, "sections": {}, "section_order": [], "decisions": []},
    ],
}


def test_the_same_seed_gives_the_same_document():
    assert layouts.render(MEETING, random.Random(5)) == layouts.render(MEETING, random.Random(5))
    assert layouts.make_variant(MEETING, 1, "x", 3).data == layouts.make_variant(MEETING, 1, "x", 3).data


def test_variant_forms_hold_a_block_to_the_forms_named(monkeypatch):
    monkeypatch.setenv("VARIANT_FORMS", "heading.punkt_colon,title_wrap.none,closed.fortroligt,closed_group.none")
    for number in range(10):
        variant = layouts.make_variant(MEETING, SEED, "example", number)
        lines = [line.lstrip("\f") for line in variant.text.split("\n")]  # a page may begin with the line
        assert variant.forms()["heading"] == "punkt_colon"
        assert "Fortroligt" in lines
        title = variant.expected["items"][1]["title"]  # "2. behandling: …" where a title got a number
        assert any(line.startswith(f"Punkt 2: {title}") for line in lines)


def test_unknown_blocks_and_forms_are_refused():
    with pytest.raises(ValueError, match="unknown block"):
        layouts.parse_forms("headings.punkt")
    with pytest.raises(ValueError, match="no form of heading"):
        layouts.parse_forms("heading.roman")


def test_the_plain_layout_is_the_common_one():
    variant = layouts.make_variant(MEETING, SEED, "example", 0, layouts.plain_except("header", {"dash_line"}))
    assert variant.text == (
        "Beskæftigelsesudvalget – Referat – 7. marts 2024\n\n\n"
        "1. Godkendelse af dagsorden (B)\nSagsnr.: 24/101\n\nIndstilling\n\n"
        "Direktøren indstiller, at dagsordenen godkendes.\n\n"
        "Beslutning i Beskæftigelsesudvalget den 7. marts 2024\n\nGodkendt.\n\n\n\n"
        "2. Køb af forløb hos privat leverandør (Lukket)\nSagsnr.: 24/102\n\n\n"
    )


def test_a_reader_that_raises_is_a_failure_of_the_variant(monkeypatch, context):
    def broken(path, data, context):
        raise IndexError("list index out of range")

    monkeypatch.setattr("minutes.importer.parse_bytes", broken)
    variant = layouts.make_variant(MEETING, SEED, "example", 0)
    [mismatch] = layouts.read_variant(variant, context)
    assert (mismatch.field, mismatch.got) == ("exception", "IndexError: list index out of range")


def test_a_mismatch_names_the_variant_the_field_and_the_command():
    variant = layouts.make_variant(MEETING, SEED, "example", 4)
    got = {**variant.expected, "items": [{**variant.expected["items"][0], "title": "Godkendelse"},
                                         variant.expected["items"][1]]}
    got["items"][0]["sections"] = dict(got["items"][0]["sections"])
    mismatches = layouts.compare(variant.expected, got)
    message = layouts.report(variant, mismatches)
    assert [m.field for m in mismatches] == ["item.title"]
    assert message.startswith("layout variant example#04 (seed 2207): 1 mismatch(es)\n"
                              "  item 1: item.title: expected 'Godkendelse af dagsorden', got 'Godkendelse'")
    assert "--seed 2207 --doc example --variant 4 --show" in message
