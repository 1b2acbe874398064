""""Mente du …?": a corrected query when a query finds little and has words the index has never seen."""

import re

from django.db import connections

from search.danish import normalise
from search.models import Word
from search.query import ParsedQuery

SUGGEST_BELOW = 3  # matches


def suggestion(parsed: ParsedQuery, count: int, *, using: str) -> str | None:
    """The query with its unknown words replaced by the most similar known ones, or None."""
    if parsed.empty or count >= SUGGEST_BELOW:
        return None
    words = parsed.words()[:10]
    keys = [normalise(w) for w in words]
    known = set(Word.objects.using(using).filter(word__in=keys).values_list("word", flat=True))
    replacements = {}
    with connections[using].cursor() as cursor:
        for word, key in zip(words, keys, strict=True):
            if key in known or len(key) < 3 or key.isdigit():
                continue
            cursor.execute(
                f"SELECT display FROM {Word._meta.db_table} WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, count DESC LIMIT 1",
                [key, key],
            )
            row = cursor.fetchone()
            if row:
                replacements[word] = row[0]
    if not replacements:
        return None
    corrected = parsed.text
    for word, better in replacements.items():
        corrected = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", better, corrected)
    return corrected if corrected != parsed.text else None
