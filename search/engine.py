"""Search on the agenda item queryset: matching, ranking, facets, snippets, suggestions."""

import bisect
import heapq
import html
import itertools
import math
import re
import time
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Value
from django.utils.translation import gettext_lazy as _

from search.danish import WORD, index_lexemes, normalise
from search.query import ParsedQuery, parse
from search.scale import Ranking

# Weights for D, C, B, A (PostgreSQL's order): title and organisations count most.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
RANK_NORMALISATION = 1  # divide by 1 + log(document length)
SORTS = {"relevance": _("Relevans"), "newest": _("Nyeste først"), "oldest": _("Ældste først")}
SNIPPET_WORDS = 36


class TsQuery(Func):
    """A tsquery from its text form; the text comes from search.query and is always well formed."""

    template = "%(expressions)s::tsquery"
    output_field = FloatField()  # never selected; only used inside other expressions


class Matches(Func):
    template = "%(expressions)s"
    arg_joiner = " @@ "
    output_field = BooleanField()


TITLE_WEIGHTS = "A"  # the weight of the title and the organisations in the vector


def title_match_sql(vector: str, title_query: str) -> str:
    """Whether the A-weighted part of the vector (title, organisations) matches the query, given
    as `title_query` = parsed.tsquery(TITLE_WEIGHTS). That is ts_filter(vector, '{a}') @@ query,
    without building the filtered copy of every vector (a third of the cost of ranking)."""
    return f"({vector} @@ {title_query})"


def rank_sql(vector: str, query: str) -> str:
    return f"ts_rank('{RANK_WEIGHTS}', {vector}, {query}, {RANK_NORMALISATION})"


class TitleMatches(Func):
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        vector, query = (compiler.compile(e) for e in self.source_expressions)
        return title_match_sql(vector[0], query[0]), [*vector[1], *query[1]]


class Rank(Func):
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):
        vector, query = (compiler.compile(e) for e in self.source_expressions)
        return rank_sql(vector[0], query[0]), [*vector[1], *query[1]]


def apply(queryset, parsed: ParsedQuery, sort: str = "relevance"):
    """Filter `queryset` to the query's matches and order it."""
    return order(matching(queryset, parsed), parsed, sort)


def matching(queryset, parsed: ParsedQuery):
    """`queryset` narrowed to the items the query matches (all of them for an empty query)."""
    if parsed.empty:
        return queryset
    return queryset.filter(Matches(F("search_vector"), TsQuery(Value(parsed.tsquery()))))


def order(queryset, parsed: ParsedQuery, sort: str = "relevance"):
    """Order matched items: by relevance (title and organisation matches first), or by date."""
    if parsed.empty:
        order_by = ["date", "id"] if sort == "oldest" else ["-date", "-id"]
        return queryset.order_by(*order_by)
    queryset = queryset.annotate(
        rank=Rank(F("search_vector"), TsQuery(Value(parsed.tsquery()))),
        title_match=TitleMatches(F("search_vector"), TsQuery(Value(parsed.tsquery(TITLE_WEIGHTS)))),
    )
    if sort == "newest":
        return queryset.order_by("-date", "-id")
    if sort == "oldest":
        return queryset.order_by("date", "id")
    return queryset.order_by(*RELEVANCE_ORDER)


# Title and organisation matches first, then rank, then the newest: one list for order() and for
# the exact read that scale.plan ranks in SQL.
RELEVANCE_ORDER = ("-title_match", "-rank", "-date", "-id")


def ranking(parsed: ParsedQuery, top: int) -> Ranking:
    """The relevance order of order() in SQL over an item's vector as `v`, for scale.plan to rank
    the `top` best rows of an exact read."""
    columns = {"title_match": title_match_sql("v", "%s::tsquery"), "rank": rank_sql("v", "%s::tsquery")}
    order = [f"{name[1:]} DESC" if name.startswith("-") else f"{name} ASC" for name in RELEVANCE_ORDER]
    return Ranking(columns, [parsed.tsquery(TITLE_WEIGHTS), parsed.tsquery()], order, top)


# --- Facets ----------------------------------------------------------------------------------
FACETS = ["municipality", "committee", "year", "item_type", "outcome", "organisation"]
FACET_VALUES = 30  # values shown of the municipality, committee and organisation facets


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str

    def to_json(self) -> dict:
        return {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected,
                "toggle_url": self.toggle_url}


def toggle_urls(base: str, params: dict[str, list[str]], name: str):
    """A function giving, for a value of filter `name`, the URL that adds it, or removes it when
    present; back to page 1. The other parameters are encoded once for all the values."""
    keys = [k for k, v in params.items() if k != "page" and v]
    position = keys.index(name) if name in keys else len(keys)
    before = urlencode([(k, v) for k in keys[:position] for v in params[k]])
    after = urlencode([(k, v) for k in keys[position + 1:] for v in params[k]])
    current = list(params.get(name) or [])
    chosen = urlencode([(name, v) for v in current])  # followed by the value added
    key = quote_plus(name) + "="

    def url(value: str) -> str:
        if value in current:
            values = list(current)
            values.remove(value)
            middle = urlencode([(name, v) for v in values])
        else:
            added = key + quote_plus(str(value))
            middle = f"{chosen}&{added}" if chosen else added
        query = "&".join(part for part in (before, middle, after) if part)
        return f"{base}?{query}" if query else base

    return url


LABELS_KEPT_SECONDS = 60


class FacetLabels:
    """Names for the values of the municipality, committee and organisation facets (and the
    municipality codes a filter names).

    The tables are small, so they are read whole and kept for a minute instead of being queried
    on every search; a value not among them (a committee an import just created) has them read
    again at once, and so does a change saved in this process (see search/apps.py).
    """

    def __init__(self):
        self.read_at = -math.inf
        self.municipalities: dict[int, str] = {}  # code: name
        self.municipality_names: dict[str, int] = {}  # name: code
        self.municipality_slugs: dict[str, int] = {}  # slug: code
        self.committees: dict[int, str] = {}  # id: "name (municipality)"
        self.organisations: dict[int, tuple[str, str]] = {}  # id: (slug, name)
        self.organisation_ids: dict[str, int] = {}  # slug: id

    def forget(self, **_signal):
        self.read_at = -math.inf

    def _stale(self) -> bool:
        return time.monotonic() - self.read_at > LABELS_KEPT_SECONDS

    def fresh(self) -> "FacetLabels":
        if self._stale():
            self._read()
        return self

    def municipality_codes(self, names: list[str]) -> list[int]:
        """The codes of the municipalities named (by name or slug) in a filter."""
        labels = self.fresh()
        codes = (labels.municipality_names.get(name, labels.municipality_slugs.get(name)) for name in names)
        return [code for code in codes if code is not None]

    def covering(self, counts: dict[str, dict]) -> "FacetLabels":
        if (self._stale()
                or not counts["municipality"].keys() <= self.municipalities.keys()
                or not counts["committee"].keys() <= self.committees.keys()
                or not counts["organisation"].keys() <= self.organisations.keys()):
            self._read()
        return self

    def _read(self):
        from committees.models import Committee, Municipality, Organisation

        municipalities, slugs = {}, {}
        for code, name, slug in Municipality.objects.values_list("pk", "name", "slug"):
            municipalities[code], slugs[slug] = name, code
        committees = {pk: f"{name} ({municipality})" for pk, name, municipality
                      in Committee.objects.values_list("pk", "name", "municipality__name")}
        organisations = {pk: (slug, name) for pk, slug, name in Organisation.objects.values_list("pk", "slug", "name")}
        self.municipalities, self.committees, self.organisations = municipalities, committees, organisations
        self.municipality_names = {name: pk for pk, name in municipalities.items()}
        self.municipality_slugs = slugs
        self.organisation_ids = {slug: pk for pk, (slug, _name) in organisations.items()}
        self.read_at = time.monotonic()


facet_labels = FacetLabels()


def _most_frequent(values: dict, name_of) -> dict:
    """The FACET_VALUES most frequent values, equal counts in the order of their names (only the
    values that can make the cut are named and sorted: a common word has hundreds of committees)."""
    if len(values) > FACET_VALUES:
        lowest = heapq.nlargest(FACET_VALUES, values.values())[-1]
        values = {value: n for value, n in values.items() if n >= lowest}
    return dict(sorted(values.items(), key=lambda kv: (-kv[1], str(name_of(kv[0]))))[:FACET_VALUES])


def facet_counts(counts: dict[str, dict], selected: dict[str, list[str]], base: str, params: dict[str, list[str]]):
    """Facet values with labels, counts and toggle URLs; selected values stay visible at zero."""
    from minutes.models import AgendaItem, Outcome

    labels = facet_labels.covering(counts)
    # The most frequent values of the long facets are shown (a common word is in thousands of
    # committees), equal counts in the order of their names; selected values always stay.
    names = {"municipality": labels.municipalities.get, "committee": labels.committees.get,
             "organisation": lambda pk: labels.organisations.get(pk, ("", ""))[1]}
    counts = {name: _most_frequent(values, names[name]) if name in names else values
              for name, values in counts.items()}
    chosen_municipalities = [n for n in selected.get("municipality", []) if n in labels.municipality_names]
    chosen_committees = [int(v) for v in selected.get("committee", []) if v.isdigit() and int(v) in labels.committees]
    chosen_organisations = [labels.organisation_ids[s] for s in selected.get("organisation", [])
                            if s in labels.organisation_ids]
    municipalities = {pk: labels.municipalities[pk] for pk in counts["municipality"] if pk in labels.municipalities}
    municipalities.update({labels.municipality_names[name]: name for name in chosen_municipalities})
    labelled = {
        "municipality": [(name, name, counts["municipality"].get(pk, 0)) for pk, name in municipalities.items()],
        "committee": [(str(pk), labels.committees[pk], counts["committee"].get(pk, 0))
                      for pk in {*counts["committee"], *chosen_committees} if pk in labels.committees],
        "year": [(y, y, n) for y, n in counts["year"].items()]
        + [(y, y, 0) for y in selected.get("year", []) if y not in counts["year"] and y.isdigit()],
        "item_type": [(t, str(AgendaItem.ItemType(t).label), counts["item_type"].get(t, 0))
                      for t in AgendaItem.ItemType.values
                      if t in counts["item_type"] or t in selected.get("item_type", [])],
        "outcome": [(o, str(Outcome(o).label), counts["outcome"].get(o, 0)) for o in Outcome.values
                    if o in counts["outcome"] or o in selected.get("outcome", [])],
        "organisation": [(*labels.organisations[pk], counts["organisation"].get(pk, 0))
                         for pk in {*counts["organisation"], *chosen_organisations} if pk in labels.organisations],
    }
    facets = {}
    for name in FACETS:
        url = toggle_urls(base, params, name)
        values = [
            FacetValue(value, label, count, value in selected.get(name, []), url(value))
            for value, label, count in labelled[name]
        ]
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[name] = values
    return facets


# --- Snippets ----------------------------------------------------------------------------------
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


# --- Suggestions -------------------------------------------------------------------------------
SUGGEST_BELOW = 3
SIMILARITY = 0.3


def suggestion(parsed: ParsedQuery, count: int) -> str | None:
    """A corrected query when the query finds little and has words the index has never seen."""
    if parsed.empty or count >= SUGGEST_BELOW:
        return None
    words = parsed.words()[:10]
    keys = [normalise(w) for w in words]
    from search.models import Word

    known = set(Word.objects.filter(word__in=keys).values_list("word", flat=True))
    replacements = {}
    with connection.cursor() as cursor:
        for word, key in zip(words, keys, strict=True):
            if key in known or len(key) < 3 or key.isdigit():
                continue
            cursor.execute(
                "SELECT display FROM search_word WHERE word %% %s "
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


__all__ = ["FACETS", "SORTS", "apply", "facet_counts", "parse", "snippet", "suggestion", "toggle_urls"]
