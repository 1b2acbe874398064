"""'Lignende punkter': items from other municipalities on the same subject."""

from django.db.models import F, Value

from search.danish import STOPWORDS, WORD, query_lexemes
from search.engine import Matches, Rank, TsQuery
from search.query import _quote

MAX_WORDS = 12
LIMIT = 5


def subject_query(item) -> str | None:
    """An OR query of the item's title words and organisation names."""
    words = [w.group() for w in WORD.finditer(item.title)]
    words += [m.organisation.name for m in item.mentions.all()]
    groups, seen = [], set()
    for word in words:
        for piece in WORD.finditer(word):
            text = piece.group().strip("-")
            if len(text) < 4 or text.casefold() in STOPWORDS or text.casefold() in seen or text.isdigit():
                continue
            seen.add(text.casefold())
            groups.append("(" + " | ".join(_quote(lex) for lex in sorted(query_lexemes(text))) + ")")
    return " | ".join(groups[:MAX_WORDS]) or None


def similar_items(item, user, limit: int = LIMIT):
    from minutes.models import AgendaItem

    query = subject_query(item)
    if query is None:
        return []
    tsquery = TsQuery(Value(query))
    return list(
        AgendaItem.objects.visible_to(user).exclude(municipality=item.municipality_id)
        .filter(Matches(F("search_vector"), tsquery))
        .annotate(rank=Rank(F("search_vector"), tsquery))
        .select_related("municipality", "committee")
        .order_by("-rank", "-date")[:limit]
    )
