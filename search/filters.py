"""The search's query string, validated: the django-filter FilterSet every surface shares.

Every parameter is validated here; unknown parameters and unknown values are dropped, never
errors, and lists and lengths are bounded. It only reads the query string: the search itself
(search.run) applies the values, as SearchParams.
"""

import datetime

import django_filters
from django import forms
from django.utils.translation import get_language

from minutes.models import AgendaItem
from search.facets import FACETS
from search.query import clean

MAX_VALUES = 20
MAX_VALUE_LENGTH = 200


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
    """The query string's search box, date bounds, sort and (added below) one filter per facet."""

    q = QueryFilter()
    date_from = TolerantDateFilter(field_name="date", lookup_expr="gte")
    date_to = TolerantDateFilter(field_name="date", lookup_expr="lte")
    sort = django_filters.CharFilter()

    _form_classes: dict = {}  # (filter set class, language): form class

    class Meta:
        model = AgendaItem
        fields = []  # the filters are declared, not derived from the model

    def get_form_class(self):
        """The form class, built once per language: django-filter builds it for every request,
        naming and labelling each field anew. Each form still gets its own copy of the fields,
        as Django's forms always do."""
        key = (type(self), get_language())
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    def cleaned(self) -> dict:
        """The valid values of the query string, by parameter."""
        return self.form.cleaned_data if self.is_valid() else {}


SearchFilterSet.base_filters.update({facet.name: ValuesFilter(field_name=facet.name) for facet in FACETS})


def bounded_int(value, default: int, lowest: int, highest: int) -> int:
    try:
        number = int(str(value)[:9])
    except (TypeError, ValueError):
        return default
    return min(max(number, lowest), highest)
