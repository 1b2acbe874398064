"""The word table behind "Mente du …?": every word of the open items, with its count.

Counts go up when an item is stored open and down again when it is replaced by a new version
of its meeting, closed, edited or deleted, so a word that is left only in closed items (or in
no item) drops out of the table and is never suggested."""

import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connections, router, transaction

from minutes.models import AgendaItem
from search.danish import WORD, normalise
from search.models import Word

WORDS = Word._meta.db_table


def vocabulary(texts: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each normalised word of `texts` with its count and its first printed form."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(WORD.findall(text))
    merged: dict[str, tuple[int, str]] = {}
    for surface, count in counts.items():
        surface, key = _key(surface)
        if key:
            previous = merged.get(key)
            merged[key] = (count + previous[0], previous[1]) if previous else (count, surface)
    return merged


def item_text(title: str, section_texts: Iterable[str]) -> str:
    """What of an item the word table counts: its title and its sections."""
    return f"{title}\n" + "\n".join(section_texts)


def stored_vocabulary(items) -> dict[str, tuple[int, str]]:
    """The vocabulary the open items among `items` (a queryset of stored AgendaItems) counted."""
    rows = items.filter(closed=False).values_list("title", "sections")
    return vocabulary(item_text(title, (s["text"] for s in sections)) for title, sections in rows.iterator())


@functools.lru_cache(maxsize=200_000)
def _key(surface: str) -> tuple[str, str | None]:
    """(printed form, word-table key), the key None for what is no suggestion (short words, numbers)."""
    surface = surface.strip("-'")
    key = normalise(surface)
    return surface, key if 2 < len(key) <= 100 and not key.isdigit() else None


def merge(into: dict[str, tuple[int, str]], words: dict[str, tuple[int, str]]) -> None:
    """Add one vocabulary to another (counts summed, the first printed form kept)."""
    for key, (count, display) in words.items():
        previous = into.get(key)
        into[key] = (previous[0] + count, previous[1]) if previous else (count, display)


def count_words(words: dict[str, tuple[int, str]], removed: dict[str, tuple[int, str]] | None = None) -> None:
    """Add a vocabulary (from vocabulary()) to the word table and take `removed` (the words of
    items replaced, closed or deleted) out of it: the difference, in one statement each way. A
    word whose count reaches zero is deleted."""
    change = dict(words)
    for key, (count, display) in (removed or {}).items():
        previous = change.get(key)
        change[key] = (previous[0] - count, previous[1]) if previous else (-count, display)
    added = [[key, display, count] for key, (count, display) in sorted(change.items()) if count > 0]
    taken = [[key, -count] for key, (count, _display) in sorted(change.items()) if count < 0]
    with connections[router.db_for_write(Word)].cursor() as cursor:
        if added:
            cursor.execute(
                f"""
                INSERT INTO {WORDS} (word, display, count)
                SELECT r->>0, r->>1, (r->>2)::int FROM jsonb_array_elements(%s::jsonb) AS r
                ON CONFLICT (word) DO UPDATE SET count = {WORDS}.count + EXCLUDED.count
                """,
                [json.dumps(added, ensure_ascii=False)],
            )
        if taken:
            # Rows are locked in word order, as the insert above takes them: two writers never
            # wait for each other in a circle.
            cursor.execute(
                f"""
                WITH taken AS (SELECT r->>0 AS word, (r->>1)::int AS count FROM jsonb_array_elements(%s::jsonb) AS r),
                locked AS (SELECT word FROM {WORDS} WHERE word IN (SELECT word FROM taken) ORDER BY word FOR UPDATE)
                UPDATE {WORDS} SET count = greatest({WORDS}.count - taken.count, 0)
                FROM taken, locked WHERE {WORDS}.word = taken.word AND locked.word = taken.word
                """,
                [json.dumps(taken, ensure_ascii=False)],
            )
            cursor.execute(f"DELETE FROM {WORDS} WHERE word = ANY(%s) AND count = 0", [[key for key, _ in taken]])


@contextmanager
def recounted(items: Callable):
    """Count the words of the stored items `items()` returns again once the block has run: what
    the block edited, closed or deleted goes out of the word table, what it opened comes in."""
    before = stored_vocabulary(items())
    yield
    count_words(stored_vocabulary(items()), removed=before)


def rebuild() -> int:
    """The word table counted afresh from every open item; the number of words."""
    words = stored_vocabulary(AgendaItem.objects.all())
    using = router.db_for_write(Word)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {WORDS}")
        count_words(words)
    return len(words)
