"""Faults at small sizes: mangled files, an import killed mid-way, a database restart, load during an import,
and versions kept. `make soak` runs the larger versions (bench/soak.py)."""

import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bench.corpus import write_files
from bench.reliability import ROOT, PrivateSite, load
from minutes.importer import parse_bytes
from minutes.importer.store import build_context
from minutes.models import AgendaItem, ImportRun, Meeting, SourceDocument

DATA = Path(__file__).parent / "data" / "importer"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*/in.txt"))]
VIBORG = DATA / "viborg_style_beskaeftigelsesudvalget_2022-05-10" / "in.txt"


def run_import(*paths) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_referater", *map(str, paths), stdout=out, stderr=err)
        return 0, err.getvalue()
    except SystemExit as exc:
        return exc.code, err.getvalue()


@st.composite
def mangled_documents(draw):
    """A seed or example referat, damaged the way publishing systems damage them."""
    text = draw(st.sampled_from(SEED_TEXTS))
    lines = text.splitlines()
    damage = draw(st.sampled_from(["bytes", "truncate", "shuffle", "duplicate", "encodings", "headings", "bodies"]))
    rnd = random.Random(draw(st.integers(0, 10**6)))
    if damage == "bytes":
        return draw(st.binary(min_size=0, max_size=2000))
    if damage == "truncate":
        data = text.encode()
        return data[: rnd.randrange(len(data) + 1)]
    if damage == "shuffle":
        rnd.shuffle(lines)
    elif damage == "duplicate":
        lines = [line for line in lines for _ in range(rnd.choice([1, 1, 2]))]
    elif damage == "encodings":  # half UTF-8, half Windows-1252
        half = len(lines) // 2
        return "\n".join(lines[:half]).encode() + b"\n" + "\n".join(lines[half:]).encode("cp1252", "replace")
    elif damage == "headings":  # headings without bodies
        lines = [line for line in lines if len(line) < 60]
    elif damage == "bodies":  # bodies without headings
        lines = [line for line in lines if len(line) >= 60]
    return "\n".join(lines).encode()


@pytest.mark.django_db
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                             HealthCheck.too_slow])
@given(document=mangled_documents())
def test_mangled_files_never_crash_and_store_exactly_what_was_reported(tmp_path_factory, document):
    Meeting.objects.all().delete()
    SourceDocument.objects.all().delete()
    folder = tmp_path_factory.mktemp("fuzz")
    mangled = folder / "mangled.txt"
    mangled.write_bytes(document)
    good = folder / "good.txt"
    good.write_bytes(VIBORG.read_bytes())
    code, err = run_import(mangled, good)
    assert code in (0, 1)
    assert "Traceback" not in err
    counts = ImportRun.objects.first().counts
    stored = SourceDocument.objects.filter(meeting__isnull=False)
    assert stored.count() == counts["created"] + counts["updated"]
    assert counts["files_read"] == 2 and counts["errors"] == (1 if code else 0)
    assert SourceDocument.objects.filter(meeting__isnull=True).count() == 0  # no orphans from failed files
    context = build_context()
    for meeting in Meeting.objects.select_related("source"):  # every stored document complete
        parsed = parse_bytes(meeting.source.file_name, Path(meeting.source.file_name).read_bytes(), context)
        assert meeting.items.count() == len(parsed.meeting.items)
        assert sum(i.decisions.count() for i in meeting.items.all()) == sum(
            len(i.decisions) for i in parsed.meeting.items)


def snapshot() -> list[tuple]:
    """The whole import, as comparable rows."""
    return sorted(
        (i.municipality.name, i.committee.name, str(i.date), i.number or "", i.title, i.closed, i.outcome,
         i.decisions.count(), tuple(sorted(m.organisation.name for m in i.mentions.all())), i.amounts.count(),
         i.follow_ups.count(), str(i.search_vector)[:200])
        for i in AgendaItem.objects.select_related("municipality", "committee")
        .prefetch_related("mentions__organisation")
    )


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_killed_mid_way_completes_on_the_next_run(tmp_path):
    corpus = tmp_path / "corpus"
    write_files(corpus, 48, seed=7)
    env = {**os.environ, "DATABASE_URL": database_url()}
    command = [sys.executable, "manage.py", "import_referater", str(corpus), "--workers", "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while SourceDocument.objects.count() < 8 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the importer and its workers, mid-import
    process.wait()
    killed_at = SourceDocument.objects.count()
    assert 0 < killed_at < 48
    for source in SourceDocument.objects.all():  # nothing half-written
        assert source.meeting is not None and source.meeting.items.exists()

    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    resumed = snapshot()
    assert SourceDocument.objects.count() == 48

    Meeting.objects.all().delete()
    SourceDocument.objects.all().delete()
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    assert snapshot() == resumed


@pytest.fixture(scope="module")
def site():
    with PrivateSite() as private:
        private.manage("import_referater", "fixtures/referater")
        yield private


def test_a_database_restart_gives_503_then_recovers_by_itself(site):
    assert site.get("/api/search", q="handicap")[0] == 200
    site.kill_database()
    status, body = site.get("/api/search", q="handicap")
    assert status == 503 and "Databasen er midlertidigt utilgængelig" in body
    status, page = site.get("/soeg/", q="handicap")
    assert status == 503 and "Prøv igen om lidt" in page and "Traceback" not in page
    site.start_database()
    assert site.get("/api/search", q="handicap")[0] == 200
    assert site.get("/soeg/", q="handicap")[0] == 200


def test_searches_during_an_import_get_answers(site, tmp_path):
    write_files(tmp_path, 40, seed=11)
    baseline = load(site, clients=8, seconds=3)
    importer = subprocess.Popen([sys.executable, "manage.py", "import_referater", str(tmp_path)], cwd=ROOT,
                                env=site.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        during = load(site, clients=8, seconds=3)
    finally:
        assert importer.wait(120) == 0
    assert baseline["errors"] == 0 and during["errors"] == 0, (baseline, during)
    assert during["requests"] > 0 and during["p99_ms"] < 5000


@pytest.mark.django_db
def test_a_new_version_keeps_the_old_source_and_the_admin_shows_what_changed(client, django_user_model, tmp_path):
    assert run_import(VIBORG)[0] == 0
    changed = tmp_path / "viborg-rettet.txt"
    changed.write_text(VIBORG.read_text().replace("Taget til efterretning.", "Udsat til næste møde."))
    assert run_import(changed)[0] == 0
    meeting = Meeting.objects.get()
    assert meeting.sources.count() == 2
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang"))
    page = client.get(f"/admin/minutes/sourcedocument/{meeting.source_id}/change/").text
    assert "-Taget til efterretning." in page and "+Udsat til næste møde." in page
