"""Fault harness shared by the reliability tests (small sizes) and `make soak` (large sizes).

A private Referatsøg: its own embedded PostgreSQL in a temporary folder, the
migrations and registry loaded, served by Django on a free loopback port.
"""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCH_MIX = ["beskæftigelse", "Code of Care", "fleksjob", "kontanthjælp", '"social investering"', "handicap",
              "indsats -Fredericia", "virksomhedspraktik", "unge uden uddannelse", "KLAPjob OR Zendoo", "", "DSI",
              "integration", "sygedagpenge", "budgetopfølgning"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateSite:
    """Start with `with PrivateSite() as site:`; `site.url`, `site.env`, `site.manage(...)`."""

    def __init__(self, server: str = "runserver"):
        self.kind = server  # "runserver", or "gunicorn" for load at production settings
        self.data_dir = Path(tempfile.mkdtemp(prefix="rs-rel-"))
        self.env = {**os.environ, "MINUTES_DATA_DIR": str(self.data_dir), "DJANGO_DEBUG": "1"}
        self.env.pop("DATABASE_URL", None)
        self.server = None
        self.url = ""

    def manage(self, *args, check=True, **kwargs):
        return subprocess.run([sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=self.env, check=check,
                              capture_output=True, text=True, **kwargs)

    def __enter__(self):
        self.manage("migrate", "--noinput")
        port = free_port()
        if self.kind == "gunicorn":  # production settings: no DEBUG query log
            self.env.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "soak-only-" + "x" * 50,
                             "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0",
                             "SEARCH_RATE_LIMIT": "", "EXPORT_RATE_LIMIT": ""})
            command = [str(Path(sys.executable).parent / "gunicorn"), "minutes.wsgi", "--bind", f"127.0.0.1:{port}",
                       "--workers", "4", "--threads", "4", "--timeout", "60"]
        else:
            command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        self.server = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/search?q=", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the private site did not start")

    def __exit__(self, *exc):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(10)
        subprocess.run([sys.executable, "-m", "minutes.embedded_db", "stop"], cwd=ROOT, env=self.env, check=False,
                       capture_output=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def get(self, path: str, **params) -> tuple[int, str]:
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def kill_database(self) -> None:
        from minutes import embedded_db

        pid = embedded_db.postmaster_pid(self.data_dir)
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                return

    def start_database(self) -> None:
        subprocess.run([sys.executable, "-m", "minutes.embedded_db", "start"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)


def load(site: PrivateSite, clients: int, seconds: float) -> dict:
    """`clients` threads sending the search mix for `seconds`; latencies in ms and error count."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int):
        i = n
        while time.monotonic() < stop:
            query = SEARCH_MIX[i % len(SEARCH_MIX)]
            i += 1
            started = time.perf_counter()
            try:
                status, _ = site.get("/api/search", q=query)
            except OSError as exc:  # a timeout or refused connection is an error, not a crash
                status = f"{exc.__class__.__name__}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{status} for {query!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summarise(latencies, errors, seconds)


def summarise(latencies: list[float], errors: list[str], seconds: float) -> dict:
    ordered = sorted(latencies) or [0.0]

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"requests": len(latencies), "errors": len(errors), "error_examples": errors[:5],
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(ordered), 1), "requests_per_second": round(len(latencies) / seconds, 1)}
