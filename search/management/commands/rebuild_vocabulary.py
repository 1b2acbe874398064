"""python manage.py rebuild_vocabulary: count the "Mente du …?" word table afresh from the open items.

The importer and the admin keep the table up to date as items are stored, replaced, closed and
deleted; this rebuilds it from scratch: once after upgrading from a version whose table only grew,
or after items were changed outside both (in the database directly).
"""

from django.core.management.base import BaseCommand

from search.vocabulary import rebuild


class Command(BaseCommand):
    help = "Tæl ordlisten bag \"Mente du …?\" forfra ud fra de åbne dagsordenspunkter."

    def handle(self, *args, **options):
        words = rebuild()
        self.stdout.write(f"Ordlisten har nu {words} ord fra åbne punkter.")
