"""The organisation registry ships with the schema: `migrate` installs fixtures/organisations.json and
brings a later version of it to an existing database without undoing what admins did."""

import copy
import io
import json
import logging
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees import registry
from committees.models import Organisation, RegistryEntry
from minutes.models import AgendaItem, OrganisationMention

import builders

pytestmark = pytest.mark.django_db

SEED = Path(__file__).parent / "data" / "importer" / "seed_001_d0c576a446f40b59"
SHIPPED = json.loads(registry.FIXTURE.read_text(encoding="utf-8"))


def shipped_key(name: str) -> int:
    return next(row["pk"] for row in SHIPPED if row["fields"]["name"] == name)


def registry_fields(organisation: Organisation) -> dict:
    return {name: getattr(organisation, name) for name in registry.FIELDS}


def everything() -> tuple[list, list]:
    """Every organisation and registry entry as plain values, to see whether anything changed."""
    return (list(Organisation.objects.order_by("pk").values()), list(RegistryEntry.objects.order_by("key").values()))


def migrate() -> str:
    out = io.StringIO()
    call_command("migrate", "--noinput", stdout=out)
    return out.getvalue()


@pytest.fixture
def new_version(tmp_path, monkeypatch):
    """Point `migrate` at a changed copy of the shipped registry: change(rows) edits the copy."""

    def write(change) -> None:
        rows = copy.deepcopy(SHIPPED)
        change(rows)
        path = tmp_path / "organisations.json"
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        monkeypatch.setattr(registry, "FIXTURE", path)

    return write


def entry(rows: list, name: str) -> dict:
    return next(row["fields"] for row in rows if row["fields"]["name"] == name)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="Admin-kode-2024-lang"))
    return client


def admin_form(organisation: Organisation, **changes) -> dict:
    fields = {**registry_fields(organisation), **changes}
    return {**fields, "aliases": ",".join(fields["aliases"])}


# (a) A database that ran only `migrate` holds the registry -------------------------------------


def test_the_migrated_test_database_holds_exactly_the_shipped_registry():
    # The test database is built by `migrate` alone (conftest loads nothing), as production's is.
    by_key = {e.key: registry_fields(e.organisation) for e in RegistryEntry.objects.select_related("organisation")}
    assert by_key == {row["pk"]: row["fields"] for row in SHIPPED}
    assert Organisation.objects.count() == len(SHIPPED)
    assert {e.key: e.shipped for e in RegistryEntry.objects.all()} == {row["pk"]: row["fields"] for row in SHIPPED}


def test_an_import_into_a_migrated_database_links_the_organisations_the_golden_file_expects():
    expected = json.loads((SEED / "out.json").read_text(encoding="utf-8"))
    call_command("import_referater", str(SEED / "in.txt"), stdout=io.StringIO(), stderr=io.StringIO())
    items = AgendaItem.objects.filter(meeting__source__file_name__endswith="in.txt").order_by("order")
    linked = {item.number: sorted(item.mentions.values_list("organisation__name", flat=True)) for item in items}
    assert linked == {item["number"]: item["organisations"] for item in expected["meeting"]["items"]}
    assert sum(map(len, linked.values())) > 0


# (b) The sync is idempotent --------------------------------------------------------------------


def test_migrate_again_changes_nothing_and_reads_one_table():
    before = everything()
    assert "Organisationsregistret" not in migrate()
    assert everything() == before
    with CaptureQueriesContext(connection) as queries:
        report = registry.sync()
    assert report.lines() == []
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["SELECT"]


def test_a_new_version_applied_twice_changes_nothing_the_second_time(new_version):
    new_version(lambda rows: entry(rows, "Code of Care")["aliases"].append("CoC"))
    assert "Organisationsregistret: 1 opdateret." in migrate()
    after_first = everything()
    assert "Organisationsregistret" not in migrate()
    assert everything() == after_first


# (c) A changed registry reaches an existing database -------------------------------------------


def test_a_new_version_reaches_the_database_around_what_admins_did(new_version, admin_client):
    sundinvest = Organisation.objects.get(name="Sundinvest")
    response = admin_client.post(f"/admin/committees/organisation/{sundinvest.pk}/change/",
                                 admin_form(sundinvest, kind="foundation", aliases=["Sundinvest A/S"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    zendoo = Organisation.objects.get(name="Zendoo")
    response = admin_client.post(f"/admin/committees/organisation/{zendoo.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = admin_client.post("/admin/committees/organisation/add/", {
        "name": "Lokalforeningen Bakkely", "slug": "lokalforeningen-bakkely", "kind": "ngo",
        "aliases": "Bakkely", "website": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    bakkely = registry_fields(Organisation.objects.get(name="Lokalforeningen Bakkely"))

    def change(rows):
        entry(rows, "Code of Care")["aliases"].append("Code of Care Danmark")
        entry(rows, "LEV")["kind"] = "ngo"
        entry(rows, "Sundinvest").update(kind="social_enterprise", name="Sundinvest ApS", aliases=["Sund Invest"])
        entry(rows, "Zendoo")["aliases"].append("Zendoo ApS")
        rows.append({"model": "committees.organisation", "pk": 1000, "fields": {
            "name": "Foreningen Frivillige Fædre", "slug": "foreningen-frivillige-faedre", "kind": "ngo",
            "aliases": ["FFF"], "website": ""}})

    new_version(change)
    output = migrate()

    assert "Organisationsregistret: 1 oprettet, 3 opdateret." in output
    new = Organisation.objects.get(registry_entry__key=1000)
    assert registry_fields(new) == {"name": "Foreningen Frivillige Fædre", "slug": "foreningen-frivillige-faedre",
                                    "kind": "ngo", "aliases": ["FFF"], "website": ""}
    assert Organisation.objects.get(name="Code of Care").aliases == ["Code of Care Danmark"]
    assert Organisation.objects.get(name="LEV").kind == "ngo"
    # The admin's kind and aliases stay; the name the admin left alone follows, the new alias arrives.
    assert registry_fields(Organisation.objects.get(pk=sundinvest.pk)) == {
        "name": "Sundinvest ApS", "slug": "sundinvest", "kind": "foundation",
        "aliases": ["Sundinvest A/S", "Sund Invest"], "website": ""}
    assert not Organisation.objects.filter(name="Zendoo").exists()
    assert RegistryEntry.objects.get(key=shipped_key("Zendoo")).organisation is None
    added = Organisation.objects.get(name="Lokalforeningen Bakkely")
    assert registry_fields(added) == bakkely
    assert not RegistryEntry.objects.filter(organisation=added).exists()
    assert Organisation.objects.count() == len(SHIPPED) + 1  # one deleted, one shipped and one admin's added


def test_an_organisation_an_admin_already_added_under_a_newly_shipped_name_is_linked_not_doubled(new_version):
    admins = Organisation.objects.create(name="Foreningen Frivillige fædre", slug="fff", kind="other",
                                         aliases=["Frivillige Fædre"])
    new_version(lambda rows: rows.append({"model": "committees.organisation", "pk": 1000, "fields": {
        "name": "Foreningen Frivillige Fædre", "slug": "foreningen-frivillige-faedre", "kind": "ngo",
        "aliases": ["FFF"], "website": ""}}))
    assert "Organisationsregistret: 1 koblet til en eksisterende organisation med samme navn." in migrate()
    admins.refresh_from_db()
    assert RegistryEntry.objects.get(key=1000).organisation == admins
    assert registry_fields(admins) == {"name": "Foreningen Frivillige fædre", "slug": "fff", "kind": "other",
                                       "aliases": ["Frivillige Fædre", "FFF"], "website": ""}


def test_a_database_filled_by_loaddata_before_the_registry_entries_is_linked_unchanged():
    RegistryEntry.objects.all().delete()
    organisations = list(Organisation.objects.order_by("pk").values())
    report = registry.sync()
    assert (len(report.linked), report.created, report.updated) == (len(SHIPPED), [], [])
    assert list(Organisation.objects.order_by("pk").values()) == organisations
    assert RegistryEntry.objects.count() == len(SHIPPED)


def test_a_shipped_name_another_organisation_holds_is_left_with_a_warning(new_version, caplog):
    Organisation.objects.create(name="Sundinvest ApS", slug="sundinvest-aps")
    new_version(lambda rows: entry(rows, "Sundinvest").update(name="Sundinvest ApS"))
    with caplog.at_level(logging.WARNING, logger="committees.apps"):
        migrate()
    assert Organisation.objects.filter(slug="sundinvest").get().name == "Sundinvest"
    assert caplog.messages == ["«Sundinvest» har ikke fået navnet «Sundinvest ApS» fra registret: "
                               "det har organisationen «Sundinvest ApS» allerede. Ret det i admin."]


def test_new_names_of_a_mentioned_organisation_come_with_the_reindex_command(new_version):
    code_of_care = Organisation.objects.get(name="Code of Care")
    OrganisationMention.objects.create(item=builders.item(), organisation=code_of_care, sentence="Code of Care.")
    new_version(lambda rows: entry(rows, "Code of Care")["aliases"].append("CoC"))
    assert ("Nye navne søges først i de punkter, der nævner organisationerne, når de er genindekseret: "
            "python manage.py reindex_items --organisation code-of-care") in migrate()


def test_a_malformed_registry_stops_with_a_danish_sentence(tmp_path):
    path = tmp_path / "organisations.json"
    path.write_text(json.dumps([SHIPPED[0], SHIPPED[0]]), encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="står der to gange"):
        registry.sync(fixture=path)


# (d) The models and the migrations agree ------------------------------------------------------


def test_makemigrations_finds_nothing_to_do():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
