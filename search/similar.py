"""'Lignende punkter': items from other municipalities on the same subject, found by search.run."""

from search.danish import STOPWORDS, WORD
from search.params import SearchParams
from search.service import run

MAX_WORDS = 12
LIMIT = 5


def subject_query(item) -> str | None:
    """A query for any of the item's title words and organisation names (web search syntax)."""
    words = [w.group() for w in WORD.finditer(item.title)]
    words += [m.organisation.name for m in item.mentions.all()]
    pieces, seen = [], set()
    for word in words:
        for piece in WORD.finditer(word):
            text = piece.group().strip("-")
            if len(text) < 4 or text.casefold() in STOPWORDS or text.casefold() in seen or text.isdigit():
                continue
            seen.add(text.casefold())
            pieces.append(text)
    return " OR ".join(pieces[:MAX_WORDS]) or None


def similar_items(item, user, limit: int = LIMIT):
    query = subject_query(item)
    if query is None:
        return []
    params = SearchParams(query=query, page_size=limit, other_than_municipality=item.municipality_id)
    return run(params, user, with_facets=False).items
