"""The facets, each declared once: its filter, how its values are counted, their labels, its title.

Everything else (the search's filters and tallies, the facet column of the page, the API, the
filter form) iterates FACETS. Adding a facet is one entry here, and a test.
"""

import datetime
import heapq
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from django.db.models import F, Func, Q, SmallIntegerField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Municipality, Organisation
from minutes.models import AgendaItem, OrganisationMention, Outcome

FACET_VALUES = 30  # values shown of a facet with many (municipality, committee, organisation)
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
        """These labels, read again when stale or when a counted value has none."""
        if self._stale() or any(not counts[facet.name].keys() <= getattr(self, facet.labels).keys()
                                for facet in FACETS if facet.labels):
            self._read()
        return self

    def _read(self):
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


def _as_smallint(value: int):
    # Compared as a smallint, the search index's column type: a plain number literal is an
    # integer, and the index (btree_gin) only serves a comparison of the column's own type.
    return Cast(Value(value), SmallIntegerField())


class ItemYear(Func):
    """The item's year, as the search index holds it (migration 0005): the same expression, so the
    index serves it."""

    template = "(EXTRACT(year FROM %(expressions)s))::smallint"
    output_field = SmallIntegerField()


def years(values: list[str]) -> list[int]:
    """The years among a year filter's values."""
    return [int(v) for v in values if v.isdigit() and len(v) == 4 and v != "0000"]


def year_span(values: list[str]) -> tuple[datetime.date, datetime.date] | None:
    """From the first day of the earliest year among `values` to the last day of the latest, or None."""
    chosen = years(values)
    return (datetime.date(min(chosen), 1, 1), datetime.date(max(chosen), 12, 31)) if chosen else None


# --- Each facet's filter: the items with one of `values` (unknown values match nothing) ----------------
def _filter_municipality(queryset, values):
    # Codes, not a join: the search index holds the municipality code beside the words. The codes
    # come from the labels kept in memory: no query for them on every search.
    within = Q()
    for code in facet_labels.municipality_codes(values):
        within |= Q(Exact(F("municipality_id"), _as_smallint(code)))
    return queryset.filter(within) if within else queryset.none()


def _filter_committee(queryset, values):
    return queryset.filter(committee_id__in=[int(v) for v in values if v.isdigit() and len(v) < 10])


def _filter_year(queryset, values):
    # The year's entry in the search index, not a date range: the index (btree_gin) reads a range
    # from each bound to the end of the table.
    within = Q()
    for year in years(values):
        within |= Q(Exact(ItemYear(F("date")), _as_smallint(year)))
    return queryset.filter(within) if within else queryset.none()


def _filter_item_type(queryset, values):
    return queryset.filter(item_type__in=[v for v in values if v in AgendaItem.ItemType.values])


def _filter_outcome(queryset, values):
    return queryset.filter(outcome__in=[v for v in values if v in Outcome.values])


def _filter_organisation(queryset, values):
    mentioned = OrganisationMention.objects.filter(organisation__slug__in=values)
    return queryset.filter(id__in=mentioned.values("item_id"))


# --- Each facet's values: (value, label, count) for the counted and the selected values ---------------
def _municipality_values(counts, selected, labels):
    counts = _most_frequent(counts, labels.municipalities.get)
    shown = {pk: labels.municipalities[pk] for pk in counts if pk in labels.municipalities}
    shown.update({labels.municipality_names[name]: name for name in selected if name in labels.municipality_names})
    return [(name, name, counts.get(pk, 0)) for pk, name in shown.items()]


def _committee_values(counts, selected, labels):
    counts = _most_frequent(counts, labels.committees.get)
    chosen = [int(v) for v in selected if v.isdigit() and int(v) in labels.committees]
    return [(str(pk), labels.committees[pk], counts.get(pk, 0)) for pk in {*counts, *chosen} if pk in labels.committees]


def _year_values(counts, selected, labels):
    return ([(y, y, n) for y, n in counts.items()]
            + [(y, y, 0) for y in selected if y not in counts and y.isdigit()])


def _choice_values(choices):
    def values(counts, selected, labels):
        return [(value, str(label), counts.get(value, 0)) for value, label in choices
                if value in counts or value in selected]
    return values


def _organisation_values(counts, selected, labels):
    counts = _most_frequent(counts, lambda pk: labels.organisations.get(pk, ("", ""))[1])
    chosen = [labels.organisation_ids[s] for s in selected if s in labels.organisation_ids]
    return [(*labels.organisations[pk], counts.get(pk, 0))
            for pk in {*counts, *chosen} if pk in labels.organisations]


@dataclass(frozen=True)
class Facet:
    name: str  # also the query string parameter
    title: str
    filter: Callable  # (queryset, values) -> the items with one of the values
    # The values among the rows `m` (see search.planner) with their counts, as
    # "SELECT {n}, value::text, count(*) …"; {n} is the facet's number in the statement and
    # {sampled} the condition of a sample's buckets on an item id column.
    tally_sql: str
    values: Callable  # (counts, selected, FacetLabels) -> [(value, label, count)]
    integer: bool = False  # the tallied values are ids (ints), not text
    labels: str = ""  # the FacetLabels table naming its values, when it has one
    by_value: bool = False  # listed by value, the highest first (years); else by count, then label


def _mentions_table() -> str:
    return OrganisationMention._meta.db_table


FACETS = (
    Facet("municipality", _("Kommune"), _filter_municipality,
          "SELECT {n}, municipality_id::text, count(*) FROM m GROUP BY 2", _municipality_values,
          integer=True, labels="municipalities"),
    Facet("committee", _("Udvalg"), _filter_committee,
          "SELECT {n}, committee_id::text, count(*) FROM m GROUP BY 2", _committee_values,
          integer=True, labels="committees"),
    Facet("year", _("År"), _filter_year,
          "SELECT {n}, extract(year FROM date)::int::text, count(*) FROM m GROUP BY 2", _year_values, by_value=True),
    # Item type and outcome may be blank: not counted then.
    Facet("item_type", _("Punkttype"), _filter_item_type,
          "SELECT {n}, item_type, count(*) FROM m WHERE item_type <> '' GROUP BY 2",
          _choice_values(AgendaItem.ItemType.choices)),
    Facet("outcome", _("Udfald"), _filter_outcome,
          "SELECT {n}, outcome, count(*) FROM m WHERE outcome <> '' GROUP BY 2", _choice_values(Outcome.choices)),
    # {sampled}: for a sample, its buckets' condition, so the small index of those buckets'
    # mentions answers (minutes/0007: each look-up there costs about half as much).
    Facet("organisation", _("Organisation"), _filter_organisation,
          "SELECT {n}, o.organisation_id::text, count(*) FROM m "
          f"JOIN {_mentions_table()} o ON o.item_id = m.id{{sampled}} GROUP BY 2", _organisation_values,
          integer=True, labels="organisations"),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)


def filter_items(queryset, selected: dict[str, list[str]]):
    """The items with the selected values: values within a facet OR'ed, facets AND'ed."""
    for facet in FACETS:
        if selected.get(facet.name):
            queryset = facet.filter(queryset, list(selected[facet.name]))
    return queryset


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str = ""  # set by linked(): the search's URL with this value added or removed

    def to_json(self) -> dict:
        return {"value": self.value, "label": self.label, "count": self.count, "selected": self.selected,
                "toggle_url": self.toggle_url}


def facet_values(counts: dict[str, dict], selected: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    """Each facet's values with labels and counts; selected values stay visible at zero. The long
    facets show their most frequent values (a common word is in thousands of committees), equal
    counts in the order of their names; selected values always stay."""
    labels = facet_labels.covering(counts)
    facets = {}
    for facet in FACETS:
        chosen = list(selected.get(facet.name) or [])
        values = [FacetValue(value, label, count, value in chosen)
                  for value, label, count in facet.values(counts[facet.name], chosen, labels)]
        if facet.by_value:
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.label))
        facets[facet.name] = values
    return facets


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


def linked(facets: dict[str, list[FacetValue]], base: str, state: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    """The facets with each value's toggle URL: `base` with the query string `state` and the value
    added or removed."""
    for name, values in facets.items():
        url = toggle_urls(base, state, name)
        for value in values:
            value.toggle_url = url(value.value)
    return facets
