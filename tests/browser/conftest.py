"""A private Referatsøg for the browser: its own embedded database, the seeds imported, a free port."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium on a closed network: no background connections to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CASEWORKER = ("sagsbehandler", "Browser-test-kode-2024")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="session")
def live_server():
    if not Path(CHROMIUM).exists():  # a failure, not a skip: a run without a browser proves nothing
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium (make test-browser does, as root) "
                    "or set CHROMIUM to its path", pytrace=False)
    data_dir = Path(tempfile.mkdtemp(prefix="rs-browser-"))
    env = {**os.environ, "MINUTES_DATA_DIR": str(data_dir), "DJANGO_DEBUG": "1"}
    env.pop("DATABASE_URL", None)
    _manage(env, "migrate", "--noinput")
    _manage(env, "import_referater", "fixtures/referater", *map(str, sorted(ROOT.glob("tests/data/importer/*/in.txt"))))
    _manage(env, "shell", "-c",
            "from django.contrib.auth.models import Group, User; "
            f"u = User.objects.create_user({CASEWORKER[0]!r}, password={CASEWORKER[1]!r}); "
            "u.groups.add(Group.objects.get(name='Sagsbehandlere'))")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the test server did not start")
    yield url
    server.terminate()
    server.wait(10)
    subprocess.run([sys.executable, "-m", "minutes.embedded_db", "stop"], cwd=ROOT, env=env, check=False)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the tests inject axe-core; the pages themselves run under their real policy.
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run make test-browser (it runs npm install in tests/browser)")
    return AXE.read_text()
