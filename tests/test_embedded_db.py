"""The embedded PostgreSQL: start, reuse, recover from a stale pid, refuse unsafe paths."""

import os
import signal
import time

import psutil
import pytest

from minutes import embedded_db


@pytest.fixture
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("pg")
    yield path
    embedded_db.stop(path)


def wait_until_gone(pid):
    try:
        psutil.Process(pid).wait(10)
    except psutil.NoSuchProcess:
        pass


def test_starts_and_is_reused(data_dir):
    connection = embedded_db.ensure_running(data_dir, dbname="lifecycle")
    first_pid = embedded_db.postmaster_pid(data_dir)
    assert embedded_db.answers(embedded_db.pgdata_for(data_dir))
    assert connection["HOST"] == str(embedded_db.pgdata_for(data_dir))

    again = embedded_db.ensure_running(data_dir, dbname="lifecycle")
    assert again == connection
    assert embedded_db.postmaster_pid(data_dir) == first_pid


def test_memory_settings_are_sized_to_the_machine(data_dir):
    import psycopg

    wanted = embedded_db.machine_settings()
    assert int(wanted["shared_buffers"][:-2]) <= max(128, psutil.virtual_memory().total // 2**20 // 4)
    pgdata = embedded_db.pgdata_for(data_dir)
    # A new cluster (restarted once with the settings), then an existing one started with them.
    for _start in range(2):
        embedded_db.ensure_running(data_dir, dbname="sized")
        with psycopg.connect(host=str(pgdata), user="postgres", dbname="sized") as connection:
            for name in ("shared_buffers", "effective_cache_size"):
                # pg_settings counts 8 kB pages; the settings say megabytes
                pages = connection.execute("SELECT setting::bigint FROM pg_settings WHERE name = %s",
                                           [name]).fetchone()[0]
                assert f"{pages * 8 // 1024}MB" == wanted[name], name
        embedded_db.stop(data_dir)


def test_recovers_after_kill_with_a_reused_pid(data_dir):
    embedded_db.ensure_running(data_dir)
    pgdata = embedded_db.pgdata_for(data_dir)
    old_pid = embedded_db.postmaster_pid(data_dir)
    os.kill(old_pid, signal.SIGKILL)
    wait_until_gone(old_pid)
    # The pid in postmaster.pid now belongs to another, living process: this test itself.
    pid_file = pgdata / "postmaster.pid"
    lines = pid_file.read_text().splitlines()
    pid_file.write_text("\n".join([str(os.getpid()), *lines[1:]]) + "\n")
    assert not embedded_db.answers(pgdata)

    embedded_db.ensure_running(data_dir)

    assert embedded_db.answers(pgdata)
    assert embedded_db.postmaster_pid(data_dir) not in (old_pid, os.getpid())


def test_recovers_after_a_crash_with_a_dead_pid(data_dir):
    embedded_db.ensure_running(data_dir)
    old_pid = embedded_db.postmaster_pid(data_dir)
    os.kill(old_pid, signal.SIGKILL)
    wait_until_gone(old_pid)

    started = time.monotonic()
    embedded_db.ensure_running(data_dir)

    assert embedded_db.answers(embedded_db.pgdata_for(data_dir))
    assert time.monotonic() - started < embedded_db.START_TIMEOUT_SECONDS


def test_refuses_a_data_dir_too_long_for_a_private_socket(tmp_path):
    too_long = tmp_path / ("x" * 120)
    with pytest.raises(embedded_db.EmbeddedDatabaseError, match="MINUTES_DATA_DIR"):
        embedded_db.ensure_running(too_long)
    assert not too_long.exists()


def test_stop_reports_whether_a_server_ran(data_dir):
    assert embedded_db.stop(data_dir) is False
    embedded_db.ensure_running(data_dir)
    assert embedded_db.stop(data_dir) is True
    assert not embedded_db.answers(embedded_db.pgdata_for(data_dir))
