"""Pages about meetings, agenda items and promised follow-ups. Thin: querysets do the work."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from minutes.models import AgendaItem, Decision, FollowUp, Meeting, OrganisationMention, SourceDocument
from search.similar import similar_items

FOLLOW_UPS_PER_PAGE = 50


def home(request):
    meetings = Meeting.objects.select_related("committee__municipality").order_by("-date", "-pk")[:10]
    return render(request, "home.html", {"meetings": meetings})


def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("committee__municipality"), pk=pk)
    visible = set(AgendaItem.objects.visible_to(request.user).filter(meeting=meeting).values_list("pk", flat=True))
    items = meeting.items.prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("order")))
    rows = [(item, item.pk in visible) for item in items]
    versions = meeting.sources.order_by("-imported_at").only("pk", "file_name", "imported_at")
    return render(request, "minutes/meeting.html", {
        "meeting": meeting, "rows": rows, "versions": versions, "absent": meeting.absent_visible_to(request.user),
    })


def meeting_source(request, pk):
    """The source document as received; withheld from users who may not see the meeting's closed items."""
    meeting = get_object_or_404(Meeting, pk=pk)
    source = SourceDocument.objects.visible_to(request.user).filter(pk=meeting.source_id).first()
    if source is None:
        return render(request, "minutes/source_withheld.html", {"meeting": meeting}, status=403)
    return HttpResponse(source.text, content_type="text/plain; charset=utf-8")


def item_detail(request, pk):
    visible = AgendaItem.objects.visible_to(request.user)
    item = get_object_or_404(
        visible.select_related("meeting__committee__municipality").prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.order_by("order")),
            Prefetch("mentions", queryset=OrganisationMention.objects.select_related("organisation")),
            "amounts", "follow_ups",
        ),
        pk=pk,
    )
    same_case = []
    if item.case_number:
        same_case = list(
            visible.filter(case_number=item.case_number, municipality=item.municipality_id)
            .exclude(pk=item.pk).select_related("committee").order_by("date")[:20]
        )
    return render(request, "minutes/item.html", {
        "item": item, "meeting": item.meeting, "same_case": same_case,
        "similar": similar_items(item, request.user),
    })


def follow_ups(request):
    """Every promised follow-up; overdue ones (period passed, no later item on the subject) flagged."""
    today = datetime.date.today()
    visible = AgendaItem.objects.visible_to(request.user)
    promised = (
        FollowUp.objects.filter(item__in=visible)
        .select_related("item__municipality", "item__committee")
        .annotate(followed=_followed_up(visible))
        .order_by("due_end", "item__municipality__name")
    )
    only = request.GET.get("status")
    page = Paginator(promised, FOLLOW_UPS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(f, f.due_end < today and not f.followed) for f in page.object_list]
    if only == "overdue":
        rows = [row for row in rows if row[1]]
    return render(request, "minutes/follow_ups.html", {"page": page, "rows": rows, "today": today, "only": only})


def _followed_up(visible):
    """Whether a later item in the same municipality is on the subject (same case number or same
    organisation): one EXISTS per listed promise, inside the page's own query."""
    later = visible.filter(municipality=OuterRef("item__municipality"), date__gt=OuterRef("item__date"))
    same_case = later.filter(case_number=OuterRef("item__case_number")).exclude(case_number="")
    named = OrganisationMention.objects.filter(item_id=OuterRef(OuterRef("item_id"))).values("organisation_id")
    same_organisation = later.filter(mentions__organisation__in=named)
    return Exists(same_case) | Exists(same_organisation)
