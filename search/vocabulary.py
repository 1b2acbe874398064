"""The word table behind "Mente du …?": every indexed word with its count."""

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from search.danish import WORD, normalise


def count_words(texts: Iterable[str]) -> None:
    """Add the words of `texts` to the vocabulary in one statement."""
    counts: Counter[str] = Counter()
    display: dict[str, str] = {}
    for text in texts:
        for match in WORD.finditer(text):
            surface = match.group().strip("-'")
            key = normalise(surface)
            if 2 < len(key) <= 100 and not key.isdigit():
                counts[key] += 1
                display.setdefault(key, surface)
    if not counts:
        return
    words = sorted(counts)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO search_word (word, display, count)
            SELECT * FROM unnest(%s::text[], %s::text[], %s::int[])
            ON CONFLICT (word) DO UPDATE SET count = search_word.count + EXCLUDED.count
            """,
            [words, [display[w] for w in words], [counts[w] for w in words]],
        )
