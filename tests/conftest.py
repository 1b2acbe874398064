"""Shared test set-up: the test database lives on the same PostgreSQL as development."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import settings as hypothesis_settings

# Property tests: the same examples on every run of make test and CI ("ci"), so a red run is
# the code's doing and can be repeated; new random examples in make soak ("soak").
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("soak", derandomize=False, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CORPUS = sorted((Path(__file__).parent / "data" / "importer").glob("*/in.txt"))


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    """The seeds and format examples, imported once for a module's tests (each test still rolls back)."""
    with django_db_blocker.unblock():
        call_command("import_referater", *map(str, CORPUS), stdout=io.StringIO(), stderr=io.StringIO())
    yield
    with django_db_blocker.unblock():
        from committees.models import Committee, OrganisationCandidate
        from minutes.models import ImportRun, Meeting, SourceDocument
        from search.models import Word

        Meeting.objects.all().delete()
        SourceDocument.objects.all().delete()
        for model in (Committee, OrganisationCandidate, ImportRun, Word):
            model.objects.all().delete()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need collectstatic; tests render templates without it.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
