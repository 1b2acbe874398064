"""The search filters, shared by the search page, the API, the feed and the CSV export.

Every parameter is validated here; unknown parameters and unknown values are
dropped, never errors, and lists and lengths are bounded.
"""

import datetime

import django_filters
from django import forms
from django.db.models import F, Func, Q, SmallIntegerField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import Exact
from django.utils.translation import get_language

from search.engine import SORTS
from search.query import clean

MAX_VALUES = 20
MAX_VALUE_LENGTH = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 500


class ValuesField(forms.Field):
    """Repeated parameters (?municipality=A&municipality=B) as a bounded list of strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        cleaned = []
        for item in values[:MAX_VALUES]:
            text = "".join(ch for ch in str(item) if ch.isprintable()).strip()[:MAX_VALUE_LENGTH]
            if text and text not in cleaned:
                cleaned.append(text)
        return cleaned


class ValuesFilter(django_filters.Filter):
    field_class = ValuesField

    def filter(self, qs, value):
        return qs  # applied together in SearchFilterSet.filter_queryset


class TolerantDateField(forms.DateField):
    """A date, or nothing: a bad or absurd date is dropped, not an error."""

    def clean(self, value):
        try:
            date = super().clean(value)
        except forms.ValidationError:
            return None
        if date and not (datetime.date(1900, 1, 1) <= date <= datetime.date(2200, 1, 1)):
            return None
        return date


class TolerantDateFilter(django_filters.DateFilter):
    field_class = TolerantDateField


class QueryField(forms.CharField):
    """The search box: control characters removed and the length bounded, never rejected."""

    default_validators = []

    def to_python(self, value):
        return clean(super().to_python(value) if value else "")

    def run_validators(self, value):
        pass


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


class SearchFilterSet(django_filters.FilterSet):
    q = QueryFilter(method="no_op")
    municipality = ValuesFilter()
    committee = ValuesFilter()
    year = ValuesFilter()
    item_type = ValuesFilter()
    outcome = ValuesFilter()
    organisation = ValuesFilter()
    date_from = TolerantDateFilter(field_name="date", lookup_expr="gte")
    date_to = TolerantDateFilter(field_name="date", lookup_expr="lte")
    sort = django_filters.CharFilter(method="no_op", max_length=20)

    FACETS = ["municipality", "committee", "year", "item_type", "outcome", "organisation"]
    _form_classes: dict = {}  # (filter set class, language): form class

    def get_form_class(self):
        """The form class, built once per language: django-filter builds it for every request,
        naming and labelling each field anew (about half a millisecond). Each form still gets
        its own copy of the fields, as Django's forms always do."""
        key = (type(self), get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    def no_op(self, queryset, name, value):
        return queryset  # q and sort are applied by the search itself

    def selected(self) -> dict[str, list[str]]:
        data = self.form.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or [] for name in self.FACETS}

    def filter_queryset(self, queryset):
        cleaned = self.form.cleaned_data
        queryset = super().filter_queryset(queryset)
        return filter_items(queryset, {name: cleaned.get(name) or [] for name in self.FACETS})

    @property
    def query(self) -> str:
        return (self.form.cleaned_data.get("q") or "") if self.is_valid() else ""

    @property
    def dated(self) -> bool:
        """Whether a year or a date bounds the search."""
        data = self.form.cleaned_data if self.is_valid() else {}
        return bool(data.get("year") or data.get("date_from") or data.get("date_to"))

    @property
    def year_span(self) -> tuple[datetime.date, datetime.date] | None:
        """From the first day of the earliest selected year to the last day of the latest, or None."""
        return year_span(self.selected())

    @property
    def sort_order(self) -> str:
        value = (self.form.cleaned_data.get("sort") or "") if self.is_valid() else ""
        return value if value in SORTS else "relevance"


class ItemYear(Func):
    """The item's year, as the search index holds it (migration 0005): the same expression, so the
    index serves it."""

    template = "(EXTRACT(year FROM %(expressions)s))::smallint"
    output_field = SmallIntegerField()


def _years(selected: dict[str, list[str]]) -> list[int]:
    return [int(v) for v in selected.get("year") or [] if v.isdigit() and len(v) == 4 and v != "0000"]


def year_span(selected: dict[str, list[str]]) -> tuple[datetime.date, datetime.date] | None:
    """From the first day of the earliest selected year to the last day of the latest, or None."""
    years = _years(selected)
    return (datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)) if years else None


def filter_items(queryset, selected: dict[str, list[str]]):
    """Apply facet selections: values within a facet are OR'ed, facets AND'ed; unknown values match nothing."""
    from minutes.models import AgendaItem, Outcome

    if selected.get("municipality"):
        from search.engine import facet_labels

        # Codes, not a join: the search index holds the municipality code beside the words. Each
        # code is compared as a smallint, the column's type: a plain number literal is an integer,
        # and the index (btree_gin) only serves a comparison of the column's own type. The codes
        # come from the facet labels kept in memory: no query for them on every search.
        codes = facet_labels.municipality_codes(selected["municipality"])
        within = Q()
        for code in codes:
            within |= Q(Exact(F("municipality_id"), Cast(Value(code), SmallIntegerField())))
        queryset = queryset.filter(within) if within else queryset.none()
    if selected.get("committee"):
        ids = [int(v) for v in selected["committee"] if v.isdigit() and len(v) < 10]
        queryset = queryset.filter(committee_id__in=ids)
    if selected.get("year"):
        # The year's entry in the search index, not a date range: the index (btree_gin) reads a
        # range from each bound to the end of the table. Compared as a smallint, the index
        # expression's type (see municipality above).
        years = _years(selected)
        within = Q()
        for year in years:
            within |= Q(Exact(ItemYear(F("date")), Cast(Value(year), SmallIntegerField())))
        queryset = queryset.filter(within) if years else queryset.none()
    if selected.get("item_type"):
        queryset = queryset.filter(item_type__in=[v for v in selected["item_type"] if v in AgendaItem.ItemType.values])
    if selected.get("outcome"):
        queryset = queryset.filter(outcome__in=[v for v in selected["outcome"] if v in Outcome.values])
    if selected.get("organisation"):
        from minutes.models import OrganisationMention

        mentioned = OrganisationMention.objects.filter(organisation__slug__in=selected["organisation"])
        queryset = queryset.filter(id__in=mentioned.values("item_id"))
    return queryset


def bounded_int(value, default: int, lowest: int, highest: int) -> int:
    try:
        number = int(str(value)[:9])
    except (TypeError, ValueError):
        return default
    return min(max(number, lowest), highest)
