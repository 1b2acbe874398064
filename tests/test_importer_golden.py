"""Golden files: each document in tests/data/importer/*/in.txt against its whole dry-run JSON.

out.json is `import_referater --dry-run --json`'s document for in.txt (without the path),
compared whole: every field of the contract. After a deliberate change to the reader,
write them again with `GOLDEN_WRITE=1 make test` (or pytest on this file) and read the diff.
"""

import json
import os
from pathlib import Path

import pytest

from minutes.importer import parse_bytes
from minutes.importer.store import build_context

DATA = Path(__file__).parent / "data" / "importer"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "in.txt").exists())

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def context(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_context()


def dry_run(name, context) -> dict:
    document = parse_bytes("in.txt", (DATA / name / "in.txt").read_bytes(), context)
    result = document.to_json()
    del result["path"]
    return result


@pytest.mark.parametrize("name", CASES)
def test_whole_document(name, context):
    got = dry_run(name, context)
    path = DATA / name / "out.json"
    if os.environ.get("GOLDEN_WRITE"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n")
    assert got == json.loads(path.read_text())


def test_every_seed_and_example_has_a_golden_file():
    shared = Path(__file__).resolve().parents[1].parent / "shared"
    sources = [*(shared / "seeds").glob("*.txt"), *(shared / "formats" / "examples").glob("*.txt")]
    assert sources, "../shared is missing"
    inputs = {(DATA / name / "in.txt").read_bytes() for name in CASES}
    assert [s.name for s in sources if s.read_bytes() not in inputs] == []
