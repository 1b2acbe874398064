"""Settings read the environment and fail loudly, naming the variable, on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from minutes.settings import _env, env

ROOT = Path(__file__).resolve().parent.parent


def run_django(code: str, **variables):
    """Import the settings in a fresh interpreter with the given environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PORT"))}
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "minutes.settings"},
        capture_output=True, text=True, timeout=60,
    )


def embedded_url():
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}"


@pytest.mark.parametrize(
    ("reader", "value"),
    [(env.bool, "maybe"), (env.int, "eight thousand"), (env.url, "not a url")],
)
def test_env_helper_names_the_bad_variable(monkeypatch, reader, value):
    monkeypatch.setenv("REFERATSOEG_TEST_VALUE", value)
    with pytest.raises(ImproperlyConfigured, match="REFERATSOEG_TEST_VALUE"):
        _env(reader, "REFERATSOEG_TEST_VALUE")


def test_env_helper_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("REFERATSOEG_TEST_VALUE", raising=False)
    assert _env(env.int, "REFERATSOEG_TEST_VALUE", default=7) == 7


def test_development_defaults_just_work():
    result = run_django("from django.conf import settings as s; print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "da", "Europe/Copenhagen"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "example.dk"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL"),
    ],
)
def test_bad_values_stop_start_up(variables, message):
    result = run_django("pass", **variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_is_used():
    result = run_django(
        "from django.db import connection; print(connection.settings_dict['NAME']); connection.ensure_connection()",
        DATABASE_URL=embedded_url(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == settings.DATABASES["default"]["NAME"]


def test_production_settings_pass_deploy_checks():
    production = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-Zq8#pL2@vN5!wR7$tY1%uI4^oP6&aS9*dF3",
        "DJANGO_ALLOWED_HOSTS": "referatsoeg.example.dk",
        "DATABASE_URL": embedded_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**os.environ, **production}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
