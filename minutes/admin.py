import difflib

from django.contrib import admin
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


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["file_name", "meeting", "encoding", "size", "imported_at"]
    list_filter = ["encoding", "imported_at"]
    search_fields = ["file_name", "sha256"]
    readonly_fields = ["changes", *[f.name for f in SourceDocument._meta.fields]]

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


class ReindexesItem:
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
    AgendaItem.objects.filter(pk__in=[i for i in item_ids if i is not None]).reindex()


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
class MeetingAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("punkter"))
    def item_count(self, obj):
        return obj.items.count()

    @admin.display(description=_("kildetekst"))
    def source_text(self, obj):
        return obj.source.text

    def save_model(self, request, obj, form, change):
        """A meeting's date and committee are copied to its items (search filters and facets read
        them there), and the committee and municipality names are in each item's search document."""
        super().save_model(request, obj, form, change)
        if change and {"date", "committee"} & set(form.changed_data):
            obj.items.update(date=obj.date, committee_id=obj.committee_id,
                             municipality_id=obj.committee.municipality_id)
            obj.items.reindex()


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "item_type", "closed", "case_number"]
    list_filter = ["closed", "item_type", "meeting__committee__municipality", "meeting__date"]
    search_fields = ["title", "case_number", "meeting__committee__name"]
    list_select_related = ["meeting__committee__municipality"]
    raw_id_fields = ["meeting"]
    inlines = [DecisionInline, MentionInline, AmountInline, FollowUpInline]

    def save_model(self, request, obj, form, change):
        if "meeting" in form.changed_data:  # the copied meeting fields follow the meeting chosen
            obj.take_meeting_fields()
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
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["period", "due_end", "item"]
    list_filter = ["due_end"]
    search_fields = ["sentence", "item__title"]
    raw_id_fields = ["item"]


@admin.register(Amount)
class AmountAdmin(admin.ModelAdmin):
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
