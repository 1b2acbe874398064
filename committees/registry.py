"""The organisation registry that ships with the code: `fixtures/organisations.json`.

Every `migrate` brings the database in step with the file (the post_migrate handler in
apps.py) without undoing what admins did. A RegistryEntry per entry of the file (its `pk` is
its stable key) keeps the fields the file last shipped: a field that still holds them takes a
new version's value, a field an admin changed keeps the admin's; aliases are merged (the
file's new ones added, the ones it dropped removed, an admin's own kept). An organisation an
admin deleted has an entry without organisation and is not created again; organisations no
entry points at are never touched. The rules for admins are in docs/operations.md.

Written against the `apps` migrate hands its handlers (historical models, no custom methods).
"""

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as global_apps
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "organisations.json"
FIELDS = ("name", "slug", "kind", "aliases", "website")
_UNIQUE = {"name": "navnet", "slug": "slug'en"}


def read_fixture(path: Path) -> dict[int, dict]:
    """The file's entries by key. A malformed file stops `migrate` with a sentence saying what is wrong."""
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"Organisationsregistret {path} kan ikke læses: {exc}") from exc
    entries = {}
    for row in rows:
        key, fields = row.get("pk"), row.get("fields") or {}
        where = f"Organisationsregistret {path}: posten med pk {key!r}"
        if row.get("model") != "committees.organisation" or type(key) is not int or key < 1:
            raise ImproperlyConfigured(f"{where} skal være en committees.organisation med et positivt heltal som pk.")
        if key in entries:
            raise ImproperlyConfigured(f"{where} står der to gange; hver organisation har sin egen pk.")
        if unknown := sorted(set(fields) - set(FIELDS)):
            raise ImproperlyConfigured(f"{where} har ukendte felter: {', '.join(unknown)}.")
        if not fields.get("name") or not fields.get("slug"):
            raise ImproperlyConfigured(f"{where} mangler navn eller slug.")
        entries[key] = fields
    for name in ("name", "slug"):
        values = [fields[name] for fields in entries.values()]
        if twice := sorted({value for value in values if values.count(value) > 1}):
            raise ImproperlyConfigured(f"Organisationsregistret {path}: flere poster har {_UNIQUE[name]} "
                                       f"{', '.join(twice)}.")
    return entries


@dataclass
class SyncReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    linked: list = field(default_factory=list)  # already in the database under a shipped name
    conflicts: list[str] = field(default_factory=list)
    renamed: list = field(default_factory=list)  # names or aliases changed
    to_reindex: list[str] = field(default_factory=list)  # slugs of renamed organisations with mentions

    def lines(self) -> list[str]:
        """What `migrate` tells an admin, in Danish (conflicts go to the log as warnings)."""
        counts = [(len(self.created), "oprettet"), (len(self.updated), "opdateret"),
                  (len(self.linked), "koblet til en eksisterende organisation med samme navn")]
        done = [f"{n} {what}" for n, what in counts if n]
        lines = [f"Organisationsregistret: {', '.join(done)}."] if done else []
        if self.to_reindex:
            options = " ".join(f"--organisation {slug}" for slug in self.to_reindex)
            lines.append("Nye navne søges først i de punkter, der nævner organisationerne, når de er "
                         f"genindekseret: python manage.py reindex_items {options}")
        return lines


class _Names:
    """The organisations by name and by slug, kept current while the sync renames and adds."""

    def __init__(self, organisations):
        self.by = {"name": {}, "slug": {}, "folded": {}}
        for organisation in organisations:
            self.add(organisation)

    def add(self, organisation):
        self.by["name"][organisation.name] = organisation
        self.by["slug"][organisation.slug] = organisation
        self.by["folded"][organisation.name.casefold()] = organisation

    def holder(self, field_name: str, value: str):
        return self.by[field_name].get(value)

    def named(self, name: str):
        """The organisation with this name in any letter case (an admin may have written "Code Of Care")."""
        return self.by["folded"].get(name.casefold())

    def rename(self, organisation, field_name: str, value: str):
        old = getattr(organisation, field_name)
        del self.by[field_name][old]
        self.by[field_name][value] = organisation
        if field_name == "name":
            del self.by["folded"][old.casefold()]
            self.by["folded"][value.casefold()] = organisation


def _merged_aliases(current: list[str], old: list[str], new: list[str]) -> list[str]:
    """The file's added aliases in, its dropped ones out, an admin's own kept."""
    if current == old:
        return list(new)
    dropped = set(old) - set(new)
    kept = [alias for alias in current if alias not in dropped]
    return kept + [alias for alias in new if alias not in old and alias not in kept]


def _follow(organisation, old: dict, new: dict, names: _Names, report: SyncReport) -> bool:
    """Give the organisation the new version's value of every field that still holds the old
    version's (`old` is {} for an organisation met for the first time: only aliases are added)."""
    changed = set()
    for name in FIELDS:
        if name not in new:
            continue
        current = getattr(organisation, name)
        if name == "aliases":
            value = _merged_aliases(current, old.get("aliases", []), new["aliases"])
        elif name in old and current == old[name]:
            value = new[name]
        else:
            continue
        if value == current:
            continue
        if name in _UNIQUE and (holder := names.holder(name, value)) not in (None, organisation):
            report.conflicts.append(
                f"«{organisation.name}» har ikke fået {_UNIQUE[name]} «{value}» fra registret: "
                f"det har organisationen «{holder.name}» allerede. Ret det i admin."
            )
            continue
        if name in _UNIQUE:
            names.rename(organisation, name, value)
        setattr(organisation, name, copy.deepcopy(value))
        changed.add(name)
    if changed & {"name", "aliases"}:
        report.renamed.append(organisation)
    return bool(changed)


def sync(apps=global_apps, using: str = DEFAULT_DB_ALIAS, fixture: Path | None = None) -> SyncReport:
    """Bring the database's organisations in step with the shipped registry; running it again changes nothing."""
    Organisation = apps.get_model("committees", "Organisation")
    RegistryEntry = apps.get_model("committees", "RegistryEntry")
    shipped = sorted(read_fixture(fixture or FIXTURE).items())
    report = SyncReport()
    with transaction.atomic(using=using):
        known = {entry.key: entry for entry in RegistryEntry.objects.using(using).select_related("organisation")}
        if all(key in known and known[key].shipped == new for key, new in shipped):
            return report
        names = _Names(Organisation.objects.using(using))
        # Entries seen before go first: a rename there can free a name a new entry takes.
        for key, new in shipped:
            entry = known.get(key)
            if entry is None or entry.shipped == new:
                continue
            organisation = entry.organisation  # None: an admin deleted it, and it stays deleted
            if organisation is not None and _follow(organisation, entry.shipped, new, names, report):
                organisation.save(using=using)
                report.updated.append(organisation)
            entry.shipped = new
            entry.save(using=using, update_fields=["shipped"])

        followed = {entry.organisation_id for entry in known.values()}
        new_entries = []
        for key, new in shipped:
            if key in known:
                continue
            organisation = names.named(new["name"])
            if organisation is None and (holder := names.holder("slug", new["slug"])):
                report.conflicts.append(
                    f"«{new['name']}» (pk {key} i registret) er ikke oprettet: slug'en «{new['slug']}» "
                    f"bruges allerede af «{holder.name}». Ret det i admin eller i registret."
                )
                continue
            if organisation is None:
                organisation = Organisation(**copy.deepcopy(new))
                names.add(organisation)
                report.created.append(organisation)
            elif organisation.pk in followed:
                report.conflicts.append(
                    f"«{new['name']}» (pk {key} i registret) er ikke oprettet: navnet har allerede "
                    f"«{organisation.name}», som er en anden post i registret."
                )
                continue
            else:
                followed.add(organisation.pk)
                if _follow(organisation, {}, new, names, report):
                    organisation.save(using=using)
                report.linked.append(organisation)
            new_entries.append(RegistryEntry(key=key, organisation=organisation, shipped=new))
        Organisation.objects.using(using).bulk_create(report.created)
        RegistryEntry.objects.using(using).bulk_create(new_entries)
        report.to_reindex = _mentioned(apps, using, report.renamed)
    return report


def _mentioned(apps, using: str, organisations: list) -> list[str]:
    """Slugs of the organisations items mention: their items' search text holds the old names."""
    try:
        OrganisationMention = apps.get_model("minutes", "OrganisationMention")
    except LookupError:  # migrated only up to before the mentions
        return []
    mentions = OrganisationMention.objects.using(using).filter(organisation__in=organisations)
    return sorted(set(mentions.values_list("organisation__slug", flat=True)))
