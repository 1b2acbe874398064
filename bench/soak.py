"""`make soak`: the reliability faults at larger sizes; figures to bench/results/soak.json and stdout.

    python -m bench.soak [--files 2000] [--clients 32] [--seconds 60]
"""

import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import write_files
from bench.reliability import ROOT, PrivateSite, load


def machine() -> dict:
    import psutil

    return {"cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "date": datetime.date.today().isoformat()}


def count(site: PrivateSite, sql: str) -> int:
    out = site.manage("shell", "-c", f"from django.db import connection; c = connection.cursor(); "
                                     f"c.execute({sql!r}); print(c.fetchone()[0])").stdout
    return int(out.strip().splitlines()[-1])


def snapshot(site: PrivateSite) -> str:
    return site.manage("shell", "-c", (
        "from minutes.models import AgendaItem as A\n"
        "rows = sorted((i.municipality_id, i.committee_id, str(i.date), i.number or '', i.title, i.outcome, "
        "i.decisions.count(), i.mentions.count(), str(i.search_vector)[:100]) for i in A.objects.all())\n"
        "import hashlib; print(len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())")).stdout.strip()


def killed_import(site: PrivateSite, files: int) -> dict:
    corpus = Path(tempfile.mkdtemp(prefix="rs-soak-"))
    write_files(corpus, files, seed=21)
    command = [sys.executable, "manage.py", "import_referater", str(corpus)]
    process = subprocess.Popen(command, cwd=ROOT, env=site.env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(float(os.environ.get("SOAK_KILL_AFTER", "20")))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    at_kill = count(site, "SELECT count(*) FROM minutes_sourcedocument")
    orphans = count(site, "SELECT count(*) FROM minutes_meeting m WHERE NOT EXISTS "
                          "(SELECT 1 FROM minutes_agendaitem i WHERE i.meeting_id = m.id)")
    started = time.monotonic()
    resumed_code = subprocess.run(command, cwd=ROOT, env=site.env, capture_output=True).returncode
    resume_seconds = time.monotonic() - started
    resumed = snapshot(site)
    site.manage("shell", "-c", "from minutes.models import Meeting, SourceDocument as S; "
                               "Meeting.objects.all().delete(); S.objects.all().delete()")
    clean_code = subprocess.run(command, cwd=ROOT, env=site.env, capture_output=True).returncode
    clean = snapshot(site)
    return {"files": files, "documents_at_kill": at_kill, "meetings_without_items_at_kill": orphans,
            "resume_exit": resumed_code, "resume_seconds": round(resume_seconds, 1), "uninterrupted_exit": clean_code,
            "resumed_equals_uninterrupted": resumed == clean, "snapshot": clean}


def database_restart(site: PrivateSite) -> dict:
    before = site.get("/api/search", q="beskæftigelse")[0]
    site.kill_database()
    during = [site.get("/api/search", q="beskæftigelse")[0] for _ in range(20)]
    site.start_database()
    after = [site.get("/api/search", q="beskæftigelse")[0] for _ in range(20)]
    return {"before": before, "during_outage": sorted(set(during)), "after_restart": sorted(set(after))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = parser.parse_args(argv)
    results = {"machine": machine()}
    with PrivateSite(server="gunicorn") as site:
        write = Path(tempfile.mkdtemp(prefix="rs-soak-base-"))
        write_files(write, 300, seed=5)
        site.manage("import_referater", write)
        results["load_without_import"] = load(site, args.clients, args.seconds)
        more = Path(tempfile.mkdtemp(prefix="rs-soak-more-"))
        write_files(more, 600, seed=6)
        importer = subprocess.Popen([sys.executable, "manage.py", "import_referater", str(more)], cwd=ROOT,
                                    env=site.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results["load_during_import"] = load(site, args.clients, args.seconds)
        results["load_during_import"]["import_still_running_at_end"] = importer.poll() is None
        results["load_during_import"]["import_exit"] = importer.wait()
        results["database_restart"] = database_restart(site)
    with PrivateSite() as site:
        results["killed_import"] = killed_import(site, args.files)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    for name in ("load_without_import", "load_during_import"):
        r = results[name]
        print(f"{name:<22} {r['requests']:>6} requests  {r['errors']} errors  "
              f"p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  {r['requests_per_second']} req/s")
    print("database restart      ", results["database_restart"])
    killed = {k: v for k, v in results["killed_import"].items() if k != "snapshot"}
    print("killed import         ", killed)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
