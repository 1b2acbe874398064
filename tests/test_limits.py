"""Rate limits on every expensive surface, shared by all processes; login lock-outs; the client's address."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from test_settings import embedded_url, run_django

from minutes.limits import client_ip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("corpus")]

# A day's window: a test never straddles two of django-ratelimit's fixed windows.
SURFACES = [
    ("/soeg/", "SEARCH_RATE_LIMIT"),
    ("/api/search", "SEARCH_RATE_LIMIT"),
    ("/soeg/feed.atom", "SEARCH_RATE_LIMIT"),
    ("/soeg/eksport.csv", "EXPORT_RATE_LIMIT"),
]
PASSWORD = "Sagsbehandler-kode-2024"


@pytest.mark.parametrize(("url", "setting"), SURFACES)
def test_every_expensive_surface_is_limited_per_client(client, settings, url, setting):
    setattr(settings, setting, "2/d")
    codes = [client.get(url, {"q": "handicap"}, REMOTE_ADDR="10.9.8.7").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(url, {"q": "handicap"}, REMOTE_ADDR="10.9.8.6").status_code == 200


def test_the_limit_answers_in_plain_danish(client, settings):
    settings.SEARCH_RATE_LIMIT = "1/d"
    client.get("/soeg/", {"q": "handicap"})
    page = client.get("/soeg/", {"q": "handicap"})
    assert page.status_code == 429 and page["Retry-After"] == "60"
    assert "Du har sendt mange forespørgsler på kort tid" in page.text
    client.get("/api/search", {"q": "handicap"})
    api = client.get("/api/search", {"q": "handicap"})
    assert api.status_code == 429 and api.json()["error"].startswith("For mange forespørgsler")


def test_the_csv_export_has_its_own_lower_limit(client, settings):
    settings.SEARCH_RATE_LIMIT = "5/d"
    settings.EXPORT_RATE_LIMIT = "1/d"
    assert client.get("/soeg/eksport.csv", {"q": ""}).status_code == 200
    assert client.get("/soeg/eksport.csv", {"q": ""}).status_code == 429
    assert client.get("/soeg/", {"q": ""}).status_code == 200


def test_limits_are_off_when_empty(client, settings):
    settings.SEARCH_RATE_LIMIT = ""
    assert {client.get("/api/search", {"q": "x"}).status_code for _ in range(30)} == {200}


@pytest.fixture
def shared_cache_cleared():
    """The other processes commit their counts; clear them on a connection of its own afterwards."""
    yield

    def clear():
        caches["default"].clear()
        connection.close()

    thread = threading.Thread(target=clear)
    thread.start()
    thread.join()


def test_two_processes_count_against_one_limit(shared_cache_cleared):
    """Each process (a gunicorn worker) has its own memory; the count must live where both see it."""
    two_requests = (
        "from django.test import Client; c = Client(REMOTE_ADDR='10.7.7.7', HTTP_HOST='localhost'); "
        "print(*[c.get('/api/search', {'q': 'handicap'}).status_code for _ in range(2)])"
    )
    variables = {"DJANGO_DEBUG": "1", "SEARCH_RATE_LIMIT": "3/d", "DATABASE_URL": embedded_url()}
    first, second = run_django(two_requests, **variables), run_django(two_requests, **variables)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.split() + second.stdout.split() == ["200", "200", "200", "429"]


# --- The client's address ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself stays left
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the first
        (1, "", "10.0.0.1"),  # the proxy was bypassed
    ],
)
def test_the_client_address_comes_from_a_configured_proxy_only(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_forged_forwarded_header_does_not_escape_the_limit(client, settings):
    settings.SEARCH_RATE_LIMIT = "2/d"
    codes = [client.get("/api/search", {"q": "x"}, REMOTE_ADDR="10.9.8.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
             .status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_behind_a_proxy_each_client_counts_for_itself(client, settings):
    settings.SEARCH_RATE_LIMIT = "2/d"
    settings.NUM_PROXIES = 1

    def get(forwarded):
        return client.get("/api/search", {"q": "x"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [get("203.0.113.1"), get("6.6.6.6, 203.0.113.1"), get("7.7.7.7, 203.0.113.1")] == [200, 200, 429]
    assert get("203.0.113.2") == 200


# --- Login lock-outs -------------------------------------------------------------------------------------
@pytest.fixture
def bent(django_user_model):
    user = django_user_model.objects.create_user("bent", password=PASSWORD)
    user.groups.add(Group.objects.get(name="Sagsbehandlere"))
    return user


def log_in(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def test_wrong_passwords_lock_the_username_on_that_client_only(client, bent):
    for _ in range(5):
        log_in(client, "bent", "forkert", REMOTE_ADDR="192.0.2.10")
    assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 429
    assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="192.0.2.11").status_code == 302


def test_one_client_trying_many_usernames_is_limited(client, settings, bent):
    settings.LOGIN_RATE_LIMIT = "4/d"
    for name in ("anna", "birgit", "carl", "dorte"):
        assert log_in(client, name, "gæt", REMOTE_ADDR="192.0.2.20").status_code == 200  # wrong, not locked
    refused = log_in(client, "bent", PASSWORD, REMOTE_ADDR="192.0.2.20")
    assert refused.status_code == 429 and "For mange forkerte forsøg" in refused.text
    assert "_auth_user_id" not in client.session
    assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="192.0.2.21").status_code == 302


def test_successful_logins_do_not_count_against_the_client(client, settings, bent):
    settings.LOGIN_RATE_LIMIT = "2/d"
    for _ in range(3):
        assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="192.0.2.30").status_code == 302
        client.logout()


def test_behind_a_proxy_the_lock_out_is_keyed_on_the_forwarded_client(client, settings, bent):
    """Everyone reaches the app from the proxy's address: locking that would lock bent out for everyone."""
    settings.NUM_PROXIES = 1
    for _ in range(5):
        log_in(client, "bent", "forkert", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="10.0.0.1",
                  HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert log_in(client, "bent", PASSWORD, REMOTE_ADDR="10.0.0.1",
                  HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
