"""import_referater through call_command, then the database is checked."""

import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from minutes.models import AgendaItem, Decision, ImportRun, Meeting, OrganisationMention, SourceDocument

DATA = Path(__file__).parent / "data" / "importer"
VIBORG = DATA / "viborg_style_beskaeftigelsesudvalget_2022-05-10" / "in.txt"
SEED_000 = DATA / "seed_000_a83da0ddfa1c06be" / "in.txt"
SEEDS = Path(__file__).parent.parent / "fixtures" / "referater"

pytestmark = pytest.mark.django_db


def run(*args, stdin: bytes | None = None):
    """(exit code, stdout, stderr) of the command."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        call_command("import_referater", *map(str, args), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def dry_run_json(*args, stdin=None):
    code, out, _ = run(*args, "--dry-run", "--json", stdin=stdin)
    return code, json.loads(out)


def database_counts():
    return (SourceDocument.objects.count(), Meeting.objects.count(), AgendaItem.objects.count(),
            Decision.objects.count(), ImportRun.objects.count())


def test_dry_run_json_follows_the_contract_and_writes_nothing():
    before = database_counts()
    code, result = dry_run_json(SEEDS)
    assert code == 0
    assert database_counts() == before
    assert len(result["documents"]) == 4
    document = next(d for d in result["documents"] if d["path"].endswith("001_d0c576a446f40b59.txt"))
    assert set(document) >= {"path", "status", "error", "warnings", "meeting"}
    assert (document["status"], document["error"]) == ("ok", None)
    meeting = document["meeting"]
    assert set(meeting) >= {"municipality", "committee", "date", "kind", "absent", "items"}
    assert (meeting["municipality"], meeting["date"], meeting["kind"]) == ("Slagelse", "2024-01-15", "referat")
    item = meeting["items"][2]
    assert set(item) >= {"number", "title", "item_type", "case_number", "closed", "sections", "decisions",
                         "organisations", "organisation_candidates"}
    assert item["number"] == "3" and item["title"] == "Indgået aftale om social investering"
    assert list(item["sections"])[:3] == ["Kompetence", "Beslutningstema", "Indstilling"]
    assert item["decisions"][0] == {
        "body": "Erhvervs-, Beskæftigelses- og Uddannelsesudvalget", "date": "2024-01-15",
        "text": "At 1. Taget til orientering.", "outcome": "noted", "votes": None, "remarks": [], "absent": [],
        "vote_rounds": None, "substitutes": [], "item_number": None,
    }
    assert item["organisations"] == ["Den Sociale Investeringsfond", "Sundinvest"]


def test_import_stores_everything_and_records_the_run():
    code, out, err = run(SEEDS)
    assert code == 0, err
    assert Meeting.objects.count() == 4
    assert AgendaItem.objects.filter(meeting__committee__municipality__name="Fredericia").count() == 10
    code_of_care = OrganisationMention.objects.filter(organisation__name="Code of Care")
    assert {m.item.meeting.committee.municipality.name for m in code_of_care} == {
        "Slagelse", "Fredericia", "Vesthimmerland"}
    item = AgendaItem.objects.get(meeting__date="2024-03-07", number="6")
    assert item.amounts.get().kroner == 317000
    assert item.follow_ups.get().period == "foråret 2025"
    assert str(item.follow_ups.get().due_end) == "2025-05-31"
    import_run = ImportRun.objects.get()
    assert import_run.counts["created"] == 4 and import_run.counts["files_read"] == 4
    assert import_run.errors == []
    assert "Møder oprettet" in out


def test_reimport_is_idempotent():
    run(SEEDS)
    before = database_counts()[:4]
    code, out, _ = run(SEEDS)
    assert code == 0
    assert database_counts()[:4] == before
    assert ImportRun.objects.first().counts["unchanged"] == 4


def test_a_stored_document_read_again_writes_nothing_not_even_a_committee():
    from committees.models import Committee
    from minutes.importer import prepare
    from minutes.importer.store import CREATED, UNCHANGED, build_context, store

    data = VIBORG.read_bytes()
    assert store(prepare(str(VIBORG), data, build_context())).status == CREATED
    Committee.objects.filter(meetings__isnull=False).update(name="Omdøbt udvalg")  # the read name is now unknown
    before = (Committee.objects.count(), database_counts())
    assert store(prepare(str(VIBORG), data, build_context())).status == UNCHANGED
    assert (Committee.objects.count(), database_counts()) == before


def test_windows_1252_with_crlf_reads_like_utf8(tmp_path):
    text = VIBORG.read_text(encoding="utf-8")
    legacy = tmp_path / "viborg-cp1252.txt"
    legacy.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    _, utf8 = dry_run_json(VIBORG)
    _, cp1252 = dry_run_json(legacy)
    assert cp1252["documents"][0]["encoding"] == "cp1252"
    assert cp1252["documents"][0]["meeting"] == utf8["documents"][0]["meeting"]
    run(legacy)
    assert SourceDocument.objects.get().text == text.replace("\n", "\r\n")  # stored exactly as received


def test_windows_1252_full_of_soft_hyphens_is_still_read(tmp_path):
    """Soft hyphens (0xAD) in most long words look like noise to charset detection; the Danish
    letters still tell Windows-1252, and the text is stored exactly as received."""
    text = re.sub(r"(?<![\w-])([a-zæøå]{5})([a-zæøå]{5,})", "\\1\u00ad\\2", SEED_000.read_text(encoding="utf-8"))
    legacy = tmp_path / "seed-soft-hyphens.txt"
    legacy.write_bytes(text.encode("cp1252"))
    _, plain = dry_run_json(SEED_000)
    _, soft = dry_run_json(legacy)
    assert soft["documents"][0]["encoding"] == "cp1252"
    assert soft["documents"][0]["meeting"] == plain["documents"][0]["meeting"]
    run(legacy)
    assert SourceDocument.objects.get().text == text


def test_bom_and_non_breaking_spaces_read_like_plain_utf8(tmp_path):
    text = SEED_000.read_text(encoding="utf-8")
    variant = tmp_path / "seed-bom.txt"
    variant.write_bytes(b"\xef\xbb\xbf" + text.replace("Sagsnr.: ", "Sagsnr.:\u00a0").encode("utf-8"))
    _, plain = dry_run_json(SEED_000)
    _, bom = dry_run_json(variant)
    assert bom["documents"][0]["meeting"] == plain["documents"][0]["meeting"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "filen er tom"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binær"),
        ("Kære alle. Husk kaffe til fredag.\n".encode(), "ingen mødestruktur"),
        ("Økonomiudvalget – Referat – 3. marts 2024\n\n1. Godkendelse af dagsorden (B)\n\nBeslutning\n\nGodkendt.\n"
         .encode(), "kan ikke afgøre kommunen; angiv --municipality"),
    ],
    ids=["empty", "binary", "no-structure", "unknown-municipality"],
)
def test_bad_files_fail_with_a_plain_message_and_the_others_still_import(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    shutil.copy(VIBORG, good)
    code, _, err = run(bad, good)
    assert code == 1
    assert f"{bad}: " in err and message in err
    assert "Traceback" not in err
    assert [s.file_name for s in SourceDocument.objects.all()] == [str(good)]
    assert ImportRun.objects.get().errors == [err.strip().removeprefix("fejl: ")]


def test_missing_path_fails_that_path_only(tmp_path):
    code, _, err = run(tmp_path / "findes-ikke.txt", VIBORG)
    assert code == 1
    assert "findes-ikke.txt: filen findes ikke" in err
    assert Meeting.objects.count() == 1


def test_a_database_failure_mid_document_leaves_nothing_of_it(tmp_path, monkeypatch):
    files = []
    for name in ("a", "b", "c"):
        copy = tmp_path / f"{name}.txt"
        files.append(copy)
    shutil.copy(SEED_000, files[0])
    shutil.copy(DATA / "seed_002_43e0d7d8ce61521b" / "in.txt", files[1])
    shutil.copy(VIBORG, files[2])
    # A real database error in the middle of the document: its items are refused after its
    # source and meeting rows were written.
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION pg_temp.refuse_fredericia() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.municipality_id = 607 THEN RAISE EXCEPTION 'simulated disk full'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_fredericia BEFORE INSERT ON minutes_agendaitem
                FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_fredericia();
        """)
    code, _, err = run(*files)
    assert code == 1
    assert "b.txt: databasen afviste dokumentet" in err
    assert sorted(m.committee.municipality.name for m in Meeting.objects.all()) == ["Slagelse", "Viborg"]
    assert not SourceDocument.objects.filter(file_name=str(files[1])).exists()
    assert not AgendaItem.objects.filter(meeting__committee__municipality__name="Fredericia").exists()


def test_municipality_option_names_the_municipality(tmp_path):
    anonymous = tmp_path / "oekonomi.txt"
    anonymous.write_text("Økonomiudvalget – Referat – 3. marts 2024\n\n1. Godkendelse af dagsorden (B)\n\n"
                         "Beslutning\n\nGodkendt.\n")
    code, _, err = run(anonymous, "--municipality", "Vesthimmerlands Kommune")
    assert code == 0, err
    meeting = Meeting.objects.get()
    assert (meeting.committee.municipality.name, meeting.committee.name) == ("Vesthimmerland", "Økonomiudvalget")
    assert meeting.items.get().decisions.get().outcome == "approved"


def test_unknown_municipality_option_is_a_usage_error():
    with pytest.raises(CommandError) as raised:
        call_command("import_referater", str(VIBORG), "--municipality", "Atlantis")
    assert raised.value.returncode == 2
    assert Meeting.objects.count() == 0


def test_reads_one_document_from_standard_input():
    code, result = dry_run_json("-", stdin=VIBORG.read_bytes())
    assert code == 0
    assert result["documents"][0]["path"] == "<stdin>"
    assert result["documents"][0]["meeting"]["municipality"] == "Viborg"


def test_a_new_version_replaces_the_items_and_keeps_the_old_source(tmp_path):
    run(VIBORG)
    first_source = Meeting.objects.get().source
    changed = tmp_path / "viborg-rettet.txt"
    changed.write_text(VIBORG.read_text().replace("Taget til efterretning.", "Udsat til næste møde."))
    code, _, _ = run(changed)
    assert code == 0
    assert ImportRun.objects.first().counts["updated"] == 1
    meeting = Meeting.objects.get()
    assert meeting.source != first_source
    assert set(meeting.sources.all()) == {first_source, meeting.source}
    assert meeting.items.count() == 3
    assert meeting.items.get(number="3").decisions.get().outcome == "postponed"
    assert AgendaItem.objects.count() == 3


def test_an_agenda_arriving_after_its_minutes_does_not_replace_them(tmp_path):
    run(VIBORG)
    agenda = tmp_path / "dagsorden.txt"
    text = VIBORG.read_text().replace("Referat\n", "Dagsorden\n", 1)
    agenda.write_text("\n".join(line for line in text.splitlines() if not line.startswith(("Beslutning", "Godkendt",
                      "Indstillingen blev", "Taget til"))))
    code, _, err = run(agenda)
    assert code == 0
    assert "referatet er bevaret" in err
    meeting = Meeting.objects.get()
    assert meeting.kind == "referat"
    assert meeting.sources.count() == 2
    assert Decision.objects.count() == 3


def test_force_reads_an_imported_file_again():
    run(VIBORG)
    Decision.objects.all().delete()
    code, _, _ = run(VIBORG, "--force")
    assert code == 0
    assert Decision.objects.count() == 3
    assert SourceDocument.objects.count() == 1


# The command closes its connection before forking workers, so this test cannot run inside a transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_store_the_same_as_one_process(tmp_path):
    for n in range(10):  # enough files for the worker pool
        (tmp_path / f"viborg-{n}.txt").write_text(VIBORG.read_text().replace("10. maj 2022", f"{n + 1}. juni 2022"))
    code, _, err = run(tmp_path, "--workers", "2")
    assert code == 0, err
    parallel = sorted((str(i.date), i.number, i.title, str(i.search_vector)) for i in AgendaItem.objects.all())
    Meeting.objects.all().delete()
    SourceDocument.objects.all().delete()
    code, _, err = run(tmp_path, "--workers", "1")
    assert code == 0, err
    single = sorted((str(i.date), i.number, i.title, str(i.search_vector)) for i in AgendaItem.objects.all())
    assert parallel == single and len(single) == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_that_dies_fails_its_files_in_plain_words_and_keeps_the_rest(tmp_path, monkeypatch):
    import os

    from minutes.management.commands import import_referater

    prepare_job = import_referater._prepare_job

    def dies_on_file_5(job, context=None):  # the forked workers inherit this module as patched
        if job[0].endswith("viborg-5.txt"):
            os._exit(1)
        return prepare_job(job, context)

    # Sent to the workers by name: the module's _prepare_job is now this function.
    dies_on_file_5.__module__, dies_on_file_5.__qualname__ = import_referater.__name__, "_prepare_job"
    monkeypatch.setattr(import_referater, "_prepare_job", dies_on_file_5)
    for n in range(10):
        (tmp_path / f"viborg-{n}.txt").write_text(VIBORG.read_text().replace("10. maj 2022", f"{n + 1}. juni 2022"))
    code, _, err = run(tmp_path, "--workers", "2")
    assert code == 1
    assert "viborg-5.txt: en læseproces stoppede uventet" in err
    assert "Traceback" not in err
    failed = set(re.findall(r"(viborg-\d+\.txt): en læseproces stoppede uventet", err))
    stored = {s.file_name.rsplit("/", 1)[-1] for s in SourceDocument.objects.all()}
    assert stored and not stored & failed and len(stored | failed) == 10  # every file either stored whole or named
    assert Meeting.objects.count() == len(stored) and AgendaItem.objects.count() == 3 * len(stored)
    monkeypatch.undo()
    code, _, err = run(tmp_path, "--workers", "1")  # the next run imports what is missing
    assert code == 0, err
    assert Meeting.objects.count() == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_store_threads_keep_the_order_of_versions(tmp_path):
    import zlib

    from minutes.management.commands import import_referater

    municipalities, corpus = set(), sorted(DATA.glob("*/in.txt"))
    for n, source in enumerate(corpus):
        shutil.copy(source, tmp_path / f"b-{n}.txt")
        municipalities.add(json.loads((source.parent / "out.json").read_text())["meeting"]["municipality"])
    lanes = {zlib.crc32(m.encode()) % import_referater.STORE_THREADS for m in municipalities}
    assert len(lanes) == import_referater.STORE_THREADS  # every store thread gets documents
    shutil.copy(VIBORG, tmp_path / "a-viborg.txt")  # the same bytes as one of the b- files
    newer = VIBORG.read_text().replace("Jobbro til unge uden uddannelse", "Jobbro til unge, ny udgave")
    (tmp_path / "c-viborg-ny.txt").write_text(newer)  # a later version of the same meeting, read last

    def snapshot():
        return sorted((i.municipality.name, str(i.date), i.number, i.title, str(i.search_vector),
                       sorted(m.organisation.name for m in i.mentions.all()))
                      for i in AgendaItem.objects.select_related("municipality").prefetch_related("mentions"))

    code, _, err = run(tmp_path, "--workers", "2")
    assert code == 0, err
    counts = ImportRun.objects.latest("started_at").counts
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (len(corpus), 1, 1)
    assert AgendaItem.objects.filter(title__startswith="Jobbro til unge, ny udgave").count() == 1
    assert not AgendaItem.objects.filter(title__startswith="Jobbro til unge uden uddannelse").exists()
    parallel = snapshot()
    Meeting.objects.all().delete()
    SourceDocument.objects.all().delete()
    code, _, err = run(tmp_path, "--workers", "1")
    assert code == 0, err
    assert snapshot() == parallel


def test_candidates_are_counted_once_per_document_and_keep_the_first_example(tmp_path):
    from committees.models import OrganisationCandidate

    assert run(VIBORG)[0] == 0
    candidate = OrganisationCandidate.objects.get(name__iexact="Foreningen Ungekraft")
    assert candidate.occurrences == 1 and "Ungekraft" in candidate.example
    assert candidate.status == OrganisationCandidate.Status.NEW and candidate.first_seen is not None
    later = tmp_path / "later.txt"  # another meeting, naming it once more
    later.write_text(VIBORG.read_text().replace("10. maj 2022", "7. juni 2022")
                     + "\nFortsat samarbejde med Foreningen Ungekraft.\n")
    assert run(later)[0] == 0
    candidate.refresh_from_db()
    assert candidate.occurrences == 2
    assert OrganisationCandidate.objects.filter(name__iexact="Foreningen Ungekraft").count() == 1
