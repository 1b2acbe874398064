from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def outcome_label(value):
    from minutes.models import Outcome

    return Outcome(value).label if value in Outcome.values else value
