"""Settings read the environment and fail loudly, naming the variable, on bad values."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from minutes.settings import _env, env

ROOT = Path(__file__).resolve().parent.parent


OUR_VARIABLES = ("DJANGO_", "DATABASE_URL", "PORT", "EMAIL_", "DEFAULT_FROM_EMAIL", "SITE_URL", "SEARCH_RATE_LIMIT",
                 "EXPORT_RATE_LIMIT", "LOGIN_RATE_LIMIT", "AXES_")


def run_django(code: str, **variables):
    """Import the settings in a fresh interpreter with the given environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(OUR_VARIABLES)}
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


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-for-the-deploy-check-Zq8#pL2@vN5!wR7$tY1%uI4^oP6&aS9*dF3",
    "DJANGO_ALLOWED_HOSTS": "referatsoeg.example.dk",
}


def production(code: str, **variables):
    """Production settings (the default) with the given extra variables, on the test database."""
    environment = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_DEBUG"}
    return run_django(code, DATABASE_URL=embedded_url(), **{**environment, **variables})


def printed(result) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_is_the_default_and_refuses_to_start_without_a_secret_key():
    result = run_django("pass")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set: Referatsøg runs with production settings unless DJANGO_DEBUG=1" in (
        result.stderr)
    settings_shown = "from django.conf import settings as s; print(s.DEBUG, s.SEARCH_RATE_LIMIT, s.EXPORT_RATE_LIMIT)"
    assert printed(production(settings_shown)) == ["False", "120/m", "10/m"]


def test_development_is_chosen_explicitly():
    result = run_django("from django.conf import settings as s; print(s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, "
                        "repr(s.SEARCH_RATE_LIMIT))", DJANGO_DEBUG="1")
    assert printed(result) == ["True", "da", "Europe/Copenhagen", "''"]


# Pages rendered without collectstatic's manifest, as the tests' conftest does.
PLAIN_STATIC = ("from django.conf import settings; settings.STORAGES = {**settings.STORAGES, 'staticfiles': "
                "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}; ")
# A request through the whole middleware stack under production settings, over plain http
# with a forwarded-proto header that claims https: (status, HSTS header or "-").
CLAIMS_HTTPS = (
    PLAIN_STATIC + "from django.test import Client; "
    "r = Client(HTTP_HOST='referatsoeg.example.dk').get('/accounts/login/', HTTP_X_FORWARDED_PROTO='https'); "
    "print(r.status_code, r.headers.get('Strict-Transport-Security', '-').replace(' ', ''))"
)


def test_the_forwarded_proto_header_is_not_trusted_without_a_configured_proxy():
    assert printed(production(CLAIMS_HTTPS)) == ["301", "-"]  # still sent to https
    assert printed(production(CLAIMS_HTTPS, DJANGO_NUM_PROXIES="1")) == [
        "200", "max-age=31536000;includeSubDomains;preload"]


def test_production_security_headers_come_from_the_settings_themselves():
    code = (
        PLAIN_STATIC + "from django.test import Client; "
        "r = Client(HTTP_HOST='referatsoeg.example.dk').get('/accounts/login/', secure=True); "
        "import json; print(json.dumps({k: r.headers.get(k) for k in ('Strict-Transport-Security', "
        "'X-Content-Type-Options', 'Referrer-Policy', 'X-Frame-Options', 'Cross-Origin-Opener-Policy', "
        "'Content-Security-Policy')})); print(r.cookies['csrftoken']['secure'])"
    )
    result = production(code)
    assert result.returncode == 0, result.stderr
    headers, secure_cookie = result.stdout.splitlines()
    headers = json.loads(headers)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert secure_cookie == "True"


def test_a_client_ip_header_without_a_proxy_count_stops_start_up():
    result = production("pass", DJANGO_CLIENT_IP_HEADER="HTTP_X_REAL_IP")
    assert result.returncode != 0
    assert "DJANGO_CLIENT_IP_HEADER is set but DJANGO_NUM_PROXIES is 0" in result.stderr


MAIL_SHOWN = ("from django.conf import settings as s; "
              "print(s.EMAIL_ENABLED, s.MAILERS.get('default', {}).get('BACKEND', '-.-.-').rsplit('.', 2)[-2])")


def test_mail_is_off_in_production_until_a_server_is_configured():
    assert printed(production(MAIL_SHOWN)) == ["False", "-"]
    incomplete = production("pass", EMAIL_HOST="smtp.example.dk")
    assert incomplete.returncode != 0 and "DEFAULT_FROM_EMAIL" in incomplete.stderr and "SITE_URL" in incomplete.stderr
    configured = production(MAIL_SHOWN + "; print(s.MAILERS['default']['OPTIONS']['host'], s.SITE_URL)",
                            EMAIL_HOST="smtp.example.dk", DEFAULT_FROM_EMAIL="referater@example.dk",
                            SITE_URL="https://referater.example.dk/")
    assert printed(configured) == ["True", "smtp", "smtp.example.dk", "https://referater.example.dk"]


def test_mail_goes_to_the_console_in_development():
    assert printed(run_django(MAIL_SHOWN, DJANGO_DEBUG="1")) == ["True", "console"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "1", "PORT": "eighty"}, "PORT"),
        ({"DJANGO_DEBUG": "1", "PORT": "70000"}, "PORT"),
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "example.dk"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "1", "DJANGO_NUM_PROXIES": "many"}, "DJANGO_NUM_PROXIES"),
        ({"DJANGO_DEBUG": "1", "SITE_URL": "referater.example.dk"}, "SITE_URL must start with https://"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL"),
    ],
)
def test_bad_values_stop_start_up(variables, message):
    result = run_django("pass", **variables)
    assert result.returncode != 0
    assert message in result.stderr


def test_database_url_is_used():
    result = run_django(
        "from django.db import connection; print(connection.settings_dict['NAME']); connection.ensure_connection()",
        DATABASE_URL=embedded_url(), DJANGO_DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == settings.DATABASES["default"]["NAME"]


def test_production_settings_pass_deploy_checks():
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**environment, **PRODUCTION, "DATABASE_URL": embedded_url()},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_property_tests_are_derandomised_unless_soaking():
    """make test and CI draw the same examples every run; make soak (HYPOTHESIS_PROFILE=soak) draws new ones."""
    from hypothesis import settings as hypothesis_settings

    assert os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci"
    assert hypothesis_settings.default.derandomize is True and hypothesis_settings.default.database is None
    assert hypothesis_settings.get_profile("soak").derandomize is False


def test_two_runs_of_a_property_test_draw_the_same_examples():
    from hypothesis import given
    from hypothesis import strategies as st

    def examples() -> list[str]:
        drawn = []

        @given(st.text(max_size=30))
        def property_test(text):
            drawn.append(text)

        property_test()
        return drawn

    first = examples()
    assert len(first) > 10 and examples() == first
