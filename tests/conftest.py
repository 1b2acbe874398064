"""Shared test set-up: the test database lives on the same PostgreSQL as development."""

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Municipalities arrive with the migrations; the organisation registry is a fixture.
    with django_db_blocker.unblock():
        call_command("loaddata", "organisations", verbosity=0)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need collectstatic; tests render templates without it.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
