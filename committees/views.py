"""Pages about municipalities, committees and organisations."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from committees.models import Committee, Municipality, Organisation


def municipality_list(request):
    municipalities = Municipality.objects.annotate(meeting_count=Count("committees__meetings"))
    return render(request, "committees/municipality_list.html", {"municipalities": municipalities})


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality, slug=slug)
    committees = municipality.committees.annotate(meeting_count=Count("meetings"))
    return render(request, "committees/municipality.html", {"municipality": municipality, "committees": committees})


def committee_detail(request, municipality, slug):
    committees = Committee.objects.select_related("municipality")
    committee = get_object_or_404(committees, municipality__slug=municipality, slug=slug)
    meetings = committee.meetings.order_by("-date")
    return render(request, "committees/committee.html", {"committee": committee, "meetings": meetings})


def organisation_list(request):
    organisations = Organisation.objects.annotate(mention_count=Count("mentions")).order_by("name")
    return render(request, "committees/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "committees/organisation.html", {"organisation": organisation})
