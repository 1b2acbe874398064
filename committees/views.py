"""Pages about municipalities, committees and organisations."""

from collections import defaultdict

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from committees.models import Committee, Municipality, Organisation
from minutes.models import AgendaItem, Amount, Decision, Meeting, OrganisationMention


def municipality_list(request):
    municipalities = Municipality.objects.annotate(meeting_count=Count("committees__meetings"))
    by_region = defaultdict(list)
    for municipality in municipalities:
        by_region[municipality.get_region_display()].append(municipality)
    return render(request, "committees/municipality_list.html", {"by_region": sorted(by_region.items())})


def _meetings_by_year(meetings):
    years = defaultdict(list)
    for meeting in meetings:
        years[meeting.date.year].append(meeting)
    return sorted(years.items(), reverse=True)


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    committees = municipality.committees.annotate(meeting_count=Count("meetings")).order_by("name")
    meetings = Meeting.objects.filter(committee__municipality=municipality).select_related("committee")
    meetings = meetings.with_item_count(request.user).order_by("-date", "committee__name")
    return render(request, "committees/municipality.html", {
        "municipality": municipality, "committees": committees, "years": _meetings_by_year(meetings),
    })


def committee_detail(request, municipality, slug):
    committees = Committee.objects.select_related("municipality")
    committee = get_object_or_404(committees, municipality__slug=municipality, slug=slug)
    meetings = committee.meetings.with_item_count(request.user).order_by("-date")
    return render(request, "committees/committee.html", {"committee": committee, "years": _meetings_by_year(meetings)})


def organisation_list(request):
    visible = AgendaItem.objects.visible_to(request.user)
    organisations = (
        Organisation.objects.filter(mentions__item__in=visible)
        .annotate(mention_count=Count("mentions", distinct=True),
                  municipality_count=Count("mentions__item__municipality", distinct=True))
        .order_by("-mention_count", "name")
    )
    return render(request, "committees/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, slug):
    """Every mention across municipalities as a timeline, with each item's outcome and amounts."""
    organisation = get_object_or_404(Organisation, slug=slug)
    visible = AgendaItem.objects.visible_to(request.user)
    mentions = (
        OrganisationMention.objects.filter(organisation=organisation, item__in=visible)
        .select_related("item__municipality", "item__committee")
        .prefetch_related(
            Prefetch("item__decisions", queryset=Decision.objects.order_by("order")),
            Prefetch("item__amounts", queryset=Amount.objects.order_by("-kroner")),
        )
        .order_by("-item__date", "item__municipality__name")
    )
    years = defaultdict(list)
    for mention in mentions:
        years[mention.item.date.year].append(mention)
    municipalities = sorted({m.item.municipality.name for m in mentions})
    return render(request, "committees/organisation.html", {
        "organisation": organisation, "years": sorted(years.items(), reverse=True),
        "municipalities": municipalities, "mention_count": len(mentions),
    })
