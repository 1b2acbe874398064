"""Measure search quality on relevance judgments: ours against PostgreSQL's plain 'danish' config.

    python manage.py search_quality tests/data/relevance/queries.json
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from minutes.models import AgendaItem
from search.index import searchable_text
from search.params import SearchParams
from search.service import run


def key(item) -> str:
    base = f"{item.municipality.name}/{item.date.isoformat()}"
    return f"{base}/{item.number}" if item.number else base


class Command(BaseCommand):
    help = "Recall@10 on relevance judgments for our index and for to_tsvector('danish', …) alone."

    def add_arguments(self, parser):
        parser.add_argument("judgments", type=Path)

    def handle(self, *args, judgments, **options):
        queries = json.loads(judgments.read_text())["queries"]
        items = {i.pk: i for i in AgendaItem.objects.filter(closed=False).select_related("municipality")}
        ours = naive = total = 0
        for judgment in queries:
            first_page = run(SearchParams(query=judgment["q"], page_size=10), None, with_facets=False)
            found = [key(i) for i in first_page.items]
            baseline = [key(items[pk]) for pk in self._naive(judgment["q"], items)]
            hits_ours = sum(t in found for t in judgment["relevant"])
            hits_naive = sum(t in baseline for t in judgment["relevant"])
            ours, naive, total = ours + hits_ours, naive + hits_naive, total + len(judgment["relevant"])
            self.stdout.write(f"{judgment['q']:<30} ours {hits_ours}/{len(judgment['relevant'])}"
                              f"   danish {hits_naive}/{len(judgment['relevant'])}")
        self.stdout.write(f"{'recall@10':<30} ours {ours}/{total}   danish {naive}/{total}")

    def _naive(self, query, items):
        """What the Django documentation alone gives: one 'danish' vector, websearch_to_tsquery, ts_rank."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH docs AS (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS body)
                SELECT id FROM docs, websearch_to_tsquery('danish', %s) q
                WHERE to_tsvector('danish', body) @@ q
                ORDER BY ts_rank(to_tsvector('danish', body), q) DESC LIMIT 10
                """,
                [list(items), [self._text(i) for i in items.values()], query],
            )
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def _text(item):
        names = " ".join(m.organisation.name for m in item.mentions.all())
        decisions = [d.text for d in item.decisions.all()]
        return " ".join([searchable_text(item.title, item.sections, decisions), names,
                         item.committee.name, item.municipality.name])
