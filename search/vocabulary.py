"""The word table behind "Mente du …?": every indexed word with its count."""

import functools
import json
from collections import Counter
from collections.abc import Iterable

from django.db import connection

from search.danish import WORD, normalise


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


def count_words(words: dict[str, tuple[int, str]]) -> None:
    """Add a vocabulary (from vocabulary()) to the word table in one statement."""
    if not words:
        return
    rows = [[key, display, count] for key, (count, display) in sorted(words.items())]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO search_word (word, display, count)
            SELECT r->>0, r->>1, (r->>2)::int FROM jsonb_array_elements(%s::jsonb) AS r
            ON CONFLICT (word) DO UPDATE SET count = search_word.count + EXCLUDED.count
            """,
            [json.dumps(rows, ensure_ascii=False)],
        )
