from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Municipality, Organisation, OrganisationCandidate
from minutes.admin import HidesClosedOnDelete
from minutes.models import AgendaItem
from search.index import reindex


@admin.register(Municipality)
class MunicipalityAdmin(HidesClosedOnDelete, admin.ModelAdmin):
    list_display = ["name", "official_name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "official_name", "=code"]
    readonly_fields = ["code"]


@admin.register(Committee)
class CommitteeAdmin(HidesClosedOnDelete, admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality__region", "municipality"]
    search_fields = ["name", "municipality__name"]
    autocomplete_fields = ["municipality"]

    def save_model(self, request, obj, form, change):
        """A committee's municipality is copied to its items (filters and facets read it there),
        and its name and municipality are in their search documents: both follow a change, in
        the same transaction (for a large committee, some seconds)."""
        super().save_model(request, obj, form, change)
        if change and {"name", "municipality"} & set(form.changed_data):
            items = AgendaItem.objects.filter(committee=obj)
            items.update(municipality_id=obj.municipality_id)
            reindex(items)


@admin.register(Organisation)
class OrganisationAdmin(HidesClosedOnDelete, admin.ModelAdmin):
    list_display = ["name", "kind", "alias_list"]
    list_filter = ["kind"]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description=_("aliaser"))
    def alias_list(self, obj):
        return ", ".join(obj.aliases)

    def save_model(self, request, obj, form, change):
        """New names reach the search documents of the items that mention the organisation only
        when they are computed again: too many items, maybe, for one request, so the admin is
        told the command that does it."""
        super().save_model(request, obj, form, change)
        if change and {"name", "aliases"} & set(form.changed_data):
            mentioning = obj.mentions.filter(item__in=AgendaItem.objects.visible_to(request.user)).count()
            if mentioning:
                messages.warning(request, _(
                    "Navnene søges først i de %(n)d punkter, der nævner organisationen, når de er "
                    "genindekseret: python manage.py reindex_items --organisation %(slug)s"
                ) % {"n": mentioning, "slug": obj.slug})


@admin.register(OrganisationCandidate)
class OrganisationCandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "occurrences", "organisation", "first_seen"]
    list_filter = ["status"]
    search_fields = ["name", "example"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["occurrences", "example", "in_open_item", "first_seen"]
    actions = ["accept", "reject"]

    def get_queryset(self, request):
        candidates = super().get_queryset(request)
        # A name known only from closed items, with its sentence, is closed text.
        return candidates if request.user.has_perm("minutes.view_closed_item") else candidates.filter(in_open_item=True)

    @admin.action(description=_("Godkend som ny organisation"))
    def accept(self, request, queryset):
        for candidate in queryset.filter(status=OrganisationCandidate.Status.NEW):
            organisation, _created = Organisation.objects.get_or_create(name=candidate.name)
            candidate.organisation = organisation
            candidate.status = OrganisationCandidate.Status.ACCEPTED
            candidate.save()
        message = _("Kandidaterne er godkendt; de bliver koblet på ved næste import.")
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Afvis"))
    def reject(self, request, queryset):
        queryset.update(status=OrganisationCandidate.Status.REJECTED)

    def save_model(self, request, obj, form, change):
        # Choosing an organisation for a new candidate merges the name into it as an alias.
        if obj.organisation and obj.status == OrganisationCandidate.Status.NEW:
            obj.status = OrganisationCandidate.Status.MERGED
        if obj.status == OrganisationCandidate.Status.MERGED and obj.organisation:
            if obj.name not in obj.organisation.all_names():
                obj.organisation.aliases.append(obj.name)
                obj.organisation.save()
        super().save_model(request, obj, form, change)
