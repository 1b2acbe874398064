import logging
import sys

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Kommuner, udvalg og organisationer")

    def ready(self):
        post_migrate.connect(sync_registry, sender=self, dispatch_uid="committees.sync_registry")


def sync_registry(sender, apps=None, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """Every `migrate` (and `flush`) brings the shipped organisation registry in (committees/registry.py)."""
    from django.apps import apps as global_apps

    from committees import registry

    apps = apps or global_apps
    try:
        RegistryEntry = apps.get_model("committees", "RegistryEntry")
    except LookupError:  # migrated only part of the way (migrate committees 0002)
        return
    if not router.allow_migrate_model(using, RegistryEntry):
        return
    report = registry.sync(apps, using)
    for conflict in report.conflicts:
        logger.warning(conflict)
    if verbosity >= 1:
        for line in report.lines():
            (stdout or sys.stdout).write(line + "\n")
