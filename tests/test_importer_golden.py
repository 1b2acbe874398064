"""Golden files: each document in tests/data/importer/*/in.txt against its hand-written out.json."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from minutes.importer import parse_bytes
from minutes.importer.store import build_context

DATA = Path(__file__).parent / "data" / "importer"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "out.json").exists())

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def context(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_context()


def parse(name, context):
    document = parse_bytes(f"{name}.txt", (DATA / name / "in.txt").read_bytes(), context)
    assert document.status == "ok", document.error
    return document.meeting.to_json()


@pytest.mark.parametrize("name", CASES)
def test_meeting_fields(name, context):
    expected = json.loads((DATA / name / "out.json").read_text())
    meeting = parse(name, context)
    for key in ("municipality", "committee", "date", "kind", "absent", "start_time", "end_time", "location",
                "participants", "title"):
        if key in expected:
            assert meeting[key] == expected[key], key
    assert [i["number"] for i in meeting["items"]] == [i["number"] for i in expected["items"]]


@pytest.mark.parametrize("name", CASES)
def test_item_fields(name, context):
    expected = json.loads((DATA / name / "out.json").read_text())
    meeting = parse(name, context)
    for want, got in zip(expected["items"], meeting["items"], strict=True):
        where = f"item {want['number']}"
        for key in ("title", "item_type", "case_number", "closed", "section_order"):
            assert got[key] == want[key], f"{where}: {key}"
        assert sorted(got["organisations"]) == want["organisations"], where
        assert sorted(got["organisation_candidates"]) == want["organisation_candidates"], where
        kroner = [Decimal(a["kroner"]) for a in got["amounts"]]
        for amount in want["amounts_kroner"]:
            assert Decimal(amount) in kroner, f"{where}: amount {amount}"
        assert [f["period"] for f in got["follow_ups"]] == want["follow_up_periods"], where
        for heading, start in want.get("section_starts", {}).items():
            assert got["sections"][heading].startswith(start), f"{where}: section {heading}"


@pytest.mark.parametrize("name", CASES)
def test_decisions(name, context):
    expected = json.loads((DATA / name / "out.json").read_text())
    meeting = parse(name, context)
    for want_item, got_item in zip(expected["items"], meeting["items"], strict=True):
        assert len(got_item["decisions"]) == len(want_item["decisions"]), want_item["number"]
        for want, got in zip(want_item["decisions"], got_item["decisions"], strict=True):
            where = f"item {want_item['number']} decision by {want['body']}"
            assert (got["body"], got["date"], got["outcome"], got["absent"]) == (
                want["body"], want["date"], want["outcome"], want["absent"]), where
            if want["text"] is not None:
                assert got["text"] == want["text"], where
