"""SQL expressions the search's statements share: ids as one array, dates only the date index serves."""

import datetime

from django.db.models import BooleanField, F, Func


def id_array(ids) -> str:
    """Ids as the text form of a bigint array, one parameter."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


class IdIn(Func):
    """`id = ANY(array)`: the ids as one array parameter, where `id__in` makes one parameter each
    (thousands of them to compose and send). The array goes as its text form: psycopg adapting a
    list of 2,000 integers one by one costs more Python than joining them."""

    output_field = BooleanField()

    def __init__(self, ids):
        super().__init__(F("id"))
        self.ids = id_array(ids)

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids]


class DaysBetween(Func):
    """`first <= date <= last` (either may be None) in a form only the date index serves.

    Written as row comparisons on (date, id), the date index's own columns: the search index
    (btree_gin) cannot use them, so it never reads a date range (from the bound to the end of
    the table, slow at millions of items), while a list ordered by date starts at `last`."""

    output_field = BooleanField()

    def __init__(self, first: datetime.date | None, last: datetime.date | None):
        super().__init__(F("date"), F("id"))
        self.first, self.last = first, last

    def as_sql(self, compiler, connection, **extra):
        date, _ = compiler.compile(self.source_expressions[0])
        id_, _ = compiler.compile(self.source_expressions[1])
        parts, params = [], []
        if self.first is not None:
            parts.append(f"({date}, {id_}) >= (%s::date, 0::bigint)")
            params.append(self.first)
        if self.last is not None:
            parts.append(f"({date}, {id_}) <= (%s::date, 9223372036854775807::bigint)")
            params.append(self.last)
        return "(" + (" AND ".join(parts) or "TRUE") + ")", params


def within_days(queryset, span: tuple | None):
    """`queryset` within a (first, last) span of days, in the form the date index serves, so a
    list by date starts at the span's end; `queryset` itself without one."""
    return queryset.filter(DaysBetween(*span)) if span else queryset
