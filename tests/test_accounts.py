"""Password reset by mail: offered only when mail can be sent, and its link points at SITE_URL."""

import re

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "Sagsbehandler-kode-2024"
RESET_URLS = ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/",
              "/accounts/reset/MQ/set-password/"]


@pytest.fixture
def bent(django_user_model):
    return django_user_model.objects.create_user("bent", email="bent@slagelse.dk", password=PASSWORD)


@pytest.mark.parametrize("url", RESET_URLS)
def test_without_mail_password_reset_is_not_offered(client, settings, url):
    settings.EMAIL_ENABLED = False
    assert client.get(url).status_code == 404
    assert "Glemt adgangskoden?" not in client.get("/accounts/login/").text


def test_without_mail_a_reset_cannot_be_requested(client, settings, bent, mailoutbox):
    settings.EMAIL_ENABLED = False
    assert client.post("/accounts/password_reset/", {"email": "bent@slagelse.dk"}).status_code == 404
    assert mailoutbox == []


def test_with_mail_a_caseworker_resets_the_password_from_the_link(client, settings, bent, mailoutbox):
    settings.EMAIL_ENABLED = True
    settings.SITE_URL = "https://referater.example.dk"
    login = client.get("/accounts/login/").text
    assert '<a href="/accounts/password_reset/">Glemt adgangskoden?</a>' in login
    form = client.get("/accounts/password_reset/").text
    assert '<label for="id_email">E-mailadresse</label>' in form
    response = client.post("/accounts/password_reset/", {"email": "bent@slagelse.dk"})  # host: testserver
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert "Tjek din e-mail" in client.get(response["Location"]).text
    [mail] = mailoutbox
    assert mail.to == ["bent@slagelse.dk"] and mail.subject == "Ny adgangskode til Referatsøg"
    assert "for brugeren bent." in mail.body
    link = re.search(r"https://referater\.example\.dk(/accounts/reset/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert "Vælg en ny adgangskode" in form.text and 'name="new_password1"' in form.text
    new = "Helt-ny-kode-2025"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert client.post("/accounts/login/", {"username": "bent", "password": new}).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, settings, mailoutbox):
    settings.EMAIL_ENABLED = True
    response = client.post("/accounts/password_reset/", {"email": "ukendt@example.dk"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert mailoutbox == []


def test_a_used_link_says_so_in_danish(client, settings):
    settings.EMAIL_ENABLED = True
    page = client.get("/accounts/reset/MQ/forkert-token/").text
    assert "Linket virker ikke længere" in page
