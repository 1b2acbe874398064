"""Compute stored agenda items' search documents and outcomes again, without their files.

    python manage.py reindex_items --organisation code-of-care   # the items that mention it
    python manage.py reindex_items --committee 12 --committee 14  # a committee's items
    python manage.py reindex_items --all

For changes the admin does not carry to the items by itself: an organisation's new aliases
(its name and aliases are in the search document of every item that mentions it), or a new
version of the Danish analysis. Each batch of items is one transaction, so an interrupted run
leaves every item either as it was or done, and running it again finishes the job. Names in
the text that were no organisation when the item was imported become mentions only when the
file is imported again (`import_referater --force`).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from committees.models import Committee, Organisation
from minutes.models import AgendaItem
from search.index import reindex

BATCH = 500


class Command(BaseCommand):
    help = "Beregn søgeindholdet for gemte dagsordenspunkter igen (efter ændrede aliaser o.l.)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", action="append", default=[], metavar="SLUG",
                            help="punkter der nævner organisationen (kan gentages)")
        parser.add_argument("--committee", action="append", default=[], type=int, metavar="ID",
                            help="udvalgets punkter (kan gentages)")
        parser.add_argument("--all", action="store_true", help="alle punkter")

    def handle(self, *args, organisation, committee, all, **options):
        if not (organisation or committee or all):
            raise CommandError("Sig hvilke punkter: --organisation SLUG, --committee ID eller --all.")
        items = AgendaItem.objects.all()
        if not all:
            items = items.filter(self._chosen(organisation, committee))
        ids = list(items.order_by("pk").values_list("pk", flat=True).distinct())
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                reindex(AgendaItem.objects.filter(pk__in=ids[start:start + BATCH]))
            done = min(len(ids), start + BATCH)
            if options["verbosity"] > 1 or (sys.stdout.isatty() and options["verbosity"] > 0):
                self.stdout.write(f"[{done}/{len(ids)}]")
        self.stdout.write(f"{len(ids)} punkter genindekseret.")

    @staticmethod
    def _chosen(slugs: list[str], committee_ids: list[int]) -> Q:
        chosen = Q(pk__in=[])
        if slugs:
            known = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            unknown = sorted(set(slugs) - known.keys())
            if unknown:
                raise CommandError(f"Ukendt organisation: {', '.join(unknown)} (brug organisationens slug).")
            chosen |= Q(mentions__organisation__in=known.values())
        if committee_ids:
            known = set(Committee.objects.filter(pk__in=committee_ids).values_list("pk", flat=True))
            unknown = sorted(set(committee_ids) - known)
            if unknown:
                raise CommandError(f"Ukendt udvalg: {', '.join(map(str, unknown))}.")
            chosen |= Q(committee__in=known)
        return chosen
