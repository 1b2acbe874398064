"""Snippets: the passage of an item with the most hits, hits marked."""

import bisect
import html
import itertools
import re
from collections import defaultdict

from django.db import connections

from minutes.models import Decision
from search.danish import WORD, index_lexemes
from search.index import searchable_text
from search.query import ParsedQuery
from search.sql import id_array

SNIPPET_WORDS = 36
_WORDS_AND_GAPS = re.compile(f"({WORD.pattern})")


class HitWords:
    """Which surface words are hits of a query; words repeat within and across items, so each
    word is looked up once per search."""

    def __init__(self, parsed: ParsedQuery):
        self.wanted = parsed.positive_lexemes()
        self.seen: set[str] = set()
        self.hits: set[str] = set()

    def of(self, words: list[str]) -> set[str]:
        if not self.wanted:
            return set()
        distinct = set(words)
        new = distinct - self.seen
        if new:
            wanted = self.wanted
            self.hits.update(word for word in new if not wanted.isdisjoint(index_lexemes(word)))
            self.seen |= new
        return distinct & self.hits


def snippet(text: str, parsed: ParsedQuery, words: int = SNIPPET_WORDS, hit_words: HitWords | None = None) -> str:
    """Escaped HTML: the passage with the most hits, hits in <mark>. Computed only for rows shown."""
    parts = _WORDS_AND_GAPS.split(text)  # gap, word, gap, word, …, gap
    tokens = parts[1::2]
    if not tokens:
        return ""
    hit_set = (hit_words or HitWords(parsed)).of(tokens)
    hits = list(itertools.compress(itertools.count(), map(hit_set.__contains__, tokens))) if hit_set else []
    start = 0
    if hits:
        # the window of `words` words, starting just before a hit, that holds the most hits
        best = -1
        for first in hits:
            begin = max(0, first - 4)
            score = bisect.bisect_left(hits, begin + words) - bisect.bisect_left(hits, begin)
            if score > best:
                start, best = begin, score
    end = min(len(tokens), start + words)
    out, plain = [], []  # escaped once per run of text between hits, not word by word
    for n in range(start, end):
        if n > start:
            plain.append(parts[2 * n])
        if tokens[n] in hit_set:
            out.append(html.escape("".join(plain)))
            out.append(f"<mark>{html.escape(tokens[n])}</mark>")
            plain = []
        else:
            plain.append(tokens[n])
    out.append(html.escape("".join(plain)))
    passage = " ".join("".join(out).split())
    return ("… " if start > 0 else "") + passage + (" …" if end < len(tokens) else "")


def page_snippets(items: list, parsed: ParsedQuery, *, using: str) -> dict[int, str]:
    """Each shown item's snippet, from its title, sections and decision texts."""
    decisions = defaultdict(list)
    if items:  # one plain statement: the ORM's building of it cost more than the database's answer
        with connections[using].cursor() as cursor:
            cursor.execute(f'SELECT item_id, text FROM {Decision._meta.db_table} WHERE item_id = ANY(%s::bigint[]) '
                           f'ORDER BY item_id, "order"', [id_array(item.pk for item in items)])
            for item_id, text in cursor.fetchall():
                decisions[item_id].append(text)
    hit_words = HitWords(parsed)  # shared by the page's snippets
    title = not parsed.empty  # a browsed list shows the title already; its snippet starts with the text
    return {
        item.pk: snippet(searchable_text(item.title if title else "", item.sections, decisions[item.pk]),
                         parsed, hit_words=hit_words)
        for item in items
    }
