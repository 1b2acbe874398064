"""The admin. Staff without the permission minutes.view_closed_item see no closed item, nothing of
one (its decisions, mentions, amounts, follow-ups, absences) and no source text of a meeting that
has one; they cannot delete what would delete or list a closed item."""

import difflib
from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import router
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from minutes.models import (
    AgendaItem,
    Amount,
    Decision,
    FollowUp,
    ImportRun,
    Meeting,
    OrganisationMention,
    SourceDocument,
)
from search.index import reindex
from search.vocabulary import recounted

CLOSED_ITEMS = _("lukkede dagsordenspunkter (kun for brugere, der må se lukkede punkter)")


def sees_closed(request) -> bool:
    return request.user.has_perm("minutes.view_closed_item")


ITEM_PARTS = (Decision, OrganisationMention, FollowUp, Amount)


def reaches_closed(objs) -> bool:
    """Whether deleting `objs` would delete, or is blocked by, a closed item, a part of one, or a log
    entry about one (an entry about an item or part that no longer exists counts as closed)."""
    if not objs:
        return False
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model))
    collector.collect(objs)
    found = defaultdict(set)
    for obj in [*(o for group in collector.model_objs.values() for o in group), *collector.protected]:
        found[type(obj)].add(obj.pk)
    if AgendaItem.objects.filter(pk__in=found[AgendaItem], closed=True).exists():
        return True
    if any(part.objects.filter(pk__in=found[part], item__closed=True).exists() for part in ITEM_PARTS):
        return True
    for entry in LogEntry.objects.filter(pk__in=found[LogEntry]).select_related("content_type"):
        model = entry.content_type.model_class()
        if model is AgendaItem or model in ITEM_PARTS:
            try:
                edited = entry.get_edited_object()
            except ObjectDoesNotExist:
                return True
            if (edited if model is AgendaItem else edited.item).closed:
                return True
    return False


class HidesClosedOnDelete:
    """An admin whose deletions may list, delete or be blocked by closed items (a meeting's items, a
    committee's or a mentioned organisation's, a user's log entries naming them): for staff who
    may not see closed items the deletion is refused and nothing of them is listed."""

    def get_deleted_objects(self, objs, request):
        deleted = super().get_deleted_objects(objs, request)
        if sees_closed(request) or not reaches_closed(objs):
            return deleted
        return [], {}, {CLOSED_ITEMS}, []


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(HidesClosedOnDelete, DjangoUserAdmin):
    """Deleting a user deletes the log entries of their admin work, which name what they changed."""


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "meeting", "encoding", "size", "imported_at"]
    list_filter = ["encoding", "imported_at"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = ["changes", *[f.name for f in SourceDocument._meta.fields]]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("ændringer i forhold til forrige version"))
    def changes(self, obj):
        """What changed since the meeting's previous source version, as a unified diff."""
        if obj.meeting_id is None:
            return "-"
        previous = (SourceDocument.objects.filter(meeting=obj.meeting_id, imported_at__lt=obj.imported_at)
                    .exclude(pk=obj.pk).order_by("-imported_at").first())
        if previous is None:
            return _("Første version af mødet.")
        diff = difflib.unified_diff(previous.text.splitlines(), obj.text.splitlines(),
                                    previous.file_name, obj.file_name, lineterm="", n=1)
        return format_html("<pre class=\"source-diff\">{}</pre>", "\n".join(diff) or _("Ingen ændringer i teksten."))

    def has_add_permission(self, request):
        return False  # documents come in through import_referater only


class VisibleItemWidget(ForeignKeyRawIdWidget):
    """The item field of a part of an item: names an item next to its id only when the user may see
    it (the plain widget names any item whose id is typed in, a closed one too)."""

    def __init__(self, rel, admin_site, items, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.items = items

    def label_and_url_for_value(self, value):
        try:
            visible = self.items.filter(pk=value).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        return super().label_and_url_for_value(value) if visible else ("", "")


class PartOfItem:
    """An admin for a part of an agenda item (decision, mention, amount, follow-up): parts of items
    the user may not see are not listed, and only items the user may see can be chosen."""

    def get_queryset(self, request):
        parts = super().get_queryset(request)
        return parts if sees_closed(request) else parts.filter(item__in=AgendaItem.objects.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = AgendaItem.objects.visible_to(request.user)
            kwargs["widget"] = VisibleItemWidget(db_field.remote_field, self.admin_site, kwargs["queryset"],
                                                 using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RecountsWords:
    """An admin whose deletions delete agenda items: their words leave the suggestion vocabulary."""

    def items_of(self, objects):
        raise NotImplementedError

    def delete_model(self, request, obj):
        pk = obj.pk  # None once deleted
        with recounted(lambda: self.items_of(type(obj).objects.filter(pk=pk))):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        with recounted(lambda: self.items_of(queryset.model.objects.filter(pk__in=pks))):
            super().delete_queryset(request, queryset)


class ReindexesItem(PartOfItem):
    """An admin for a part of an agenda item (a decision, an organisation mention): after a change
    or a deletion the item's outcome and search document are computed again, as an import would,
    so that search, facets and the item's page agree with what the admin saved."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _reindex_items({obj.item_id, form.initial.get("item")})  # and the item it was moved from

    def delete_model(self, request, obj):
        item_id = obj.item_id
        super().delete_model(request, obj)
        _reindex_items({item_id})

    def delete_queryset(self, request, queryset):
        item_ids = set(queryset.values_list("item_id", flat=True))
        super().delete_queryset(request, queryset)
        _reindex_items(item_ids)


def _reindex_items(item_ids) -> None:
    reindex(AgendaItem.objects.filter(pk__in=[i for i in item_ids if i is not None]))


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


class MentionInline(admin.TabularInline):
    model = OrganisationMention
    extra = 0
    autocomplete_fields = ["organisation"]


class AmountInline(admin.TabularInline):
    model = Amount
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(HidesClosedOnDelete, RecountsWords, admin.ModelAdmin):
    list_display = ["committee", "municipality", "date", "kind", "item_count"]
    list_filter = ["kind", "date", "committee__municipality"]
    search_fields = ["committee__name", "committee__municipality__name", "title", "location"]
    date_hierarchy = "date"
    autocomplete_fields = ["committee"]
    readonly_fields = ["source", "source_text"]
    list_select_related = ["committee__municipality"]

    @admin.display(description=_("kommune"), ordering="committee__municipality__name")
    def municipality(self, obj):
        return obj.committee.municipality

    def get_queryset(self, request):
        return super().get_queryset(request).with_item_count(request.user)

    def get_object(self, request, object_id, from_field=None):
        """The meeting with what this user may see of it: its absences, and whether its source."""
        meeting = super().get_object(request, object_id, from_field)
        if meeting is not None:
            meeting.visible_absent = meeting.absent_visible_to(request.user)
            meeting.source_visible = SourceDocument.objects.visible_to(request.user).filter(
                pk=meeting.source_id).exists()
        return meeting

    def get_exclude(self, request, obj=None):
        # Staff who may not see closed items see the absences of the open ones, and cannot overwrite the rest.
        return None if sees_closed(request) else ["absent"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if sees_closed(request) else [*self.readonly_fields, "absent_shown"]

    def items_of(self, meetings):
        return AgendaItem.objects.filter(meeting__in=meetings)

    @admin.display(description=_("punkter"), ordering="item_count")
    def item_count(self, obj):
        return obj.item_count

    @admin.display(description=_("kildetekst"))
    def source_text(self, obj):
        if not getattr(obj, "source_visible", False):
            return _("Kilden indeholder lukkede punkter og vises kun for brugere, der må se dem.")
        return obj.source.text

    @admin.display(description=_("fraværende"))
    def absent_shown(self, obj):
        return ", ".join(getattr(obj, "visible_absent", [])) or "-"

    def save_model(self, request, obj, form, change):
        """A meeting's date and committee are copied to its items (search filters and facets read
        them there), and the committee and municipality names are in each item's search document."""
        super().save_model(request, obj, form, change)
        if change and {"date", "committee"} & set(form.changed_data):
            obj.items.update(date=obj.date, committee_id=obj.committee_id,
                             municipality_id=obj.committee.municipality_id)
            reindex(obj.items.all())


@admin.register(AgendaItem)
class AgendaItemAdmin(HidesClosedOnDelete, RecountsWords, admin.ModelAdmin):
    list_display = ["__str__", "meeting", "item_type", "closed", "case_number"]
    list_filter = ["closed", "item_type", "meeting__committee__municipality", "meeting__date"]
    search_fields = ["title", "case_number", "meeting__committee__name"]
    list_select_related = ["meeting__committee__municipality"]
    raw_id_fields = ["meeting"]
    inlines = [DecisionInline, MentionInline, AmountInline, FollowUpInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def items_of(self, items):
        return items

    def save_model(self, request, obj, form, change):
        if "meeting" in form.changed_data:  # the copied meeting fields follow the meeting chosen
            obj.take_meeting_fields()
        # A title or sections edited, or the item closed or opened: its words are counted again.
        with recounted(lambda: AgendaItem.objects.filter(pk=obj.pk)):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """With the item and its decisions and mentions saved, its outcome and search document
        are computed again (title, sections, decisions and organisations are all in it)."""
        super().save_related(request, form, formsets, change)
        _reindex_items({form.instance.pk})


@admin.register(Decision)
class DecisionAdmin(ReindexesItem, admin.ModelAdmin):
    list_display = ["item", "body", "date", "outcome"]
    list_filter = ["outcome", "date"]
    search_fields = ["body", "text", "item__title"]
    raw_id_fields = ["item"]


@admin.register(OrganisationMention)
class OrganisationMentionAdmin(ReindexesItem, admin.ModelAdmin):
    list_display = ["organisation", "item"]
    list_filter = ["organisation"]
    search_fields = ["organisation__name", "sentence", "item__title"]
    raw_id_fields = ["item"]


@admin.register(FollowUp)
class FollowUpAdmin(PartOfItem, admin.ModelAdmin):
    list_display = ["period", "due_end", "item"]
    list_filter = ["due_end"]
    search_fields = ["sentence", "item__title"]
    raw_id_fields = ["item"]


@admin.register(Amount)
class AmountAdmin(PartOfItem, admin.ModelAdmin):
    list_display = ["text", "kroner", "item"]
    search_fields = ["text", "sentence", "item__title"]
    raw_id_fields = ["item"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "dry_run", "documents_read", "error_count"]
    list_filter = ["dry_run", "started_at"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    @admin.display(description=_("filer"))
    def documents_read(self, obj):
        return obj.counts.get("files_read", 0)

    @admin.display(description=_("fejl"))
    def error_count(self, obj):
        return len(obj.errors)

    def has_add_permission(self, request):
        return False
