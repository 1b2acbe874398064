"""Pages about meetings and agenda items. Thin: querysets do the work."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from minutes.models import AgendaItem, Decision, Meeting


def home(request):
    meetings = Meeting.objects.select_related("committee__municipality").order_by("-date", "-pk")[:10]
    return render(request, "home.html", {"meetings": meetings})


def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("committee__municipality", "source"), pk=pk)
    # Closed items are listed by number and title only, as the municipality printed them.
    items = meeting.items.prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("order")))
    return render(request, "minutes/meeting.html", {"meeting": meeting, "items": items})


def item_detail(request, pk):
    visible = AgendaItem.objects.visible_to(request.user).select_related("meeting__committee__municipality")
    item = get_object_or_404(visible.prefetch_related("decisions", "mentions__organisation"), pk=pk)
    return render(request, "minutes/item.html", {"item": item, "meeting": item.meeting})
