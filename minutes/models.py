"""What happened: source documents, meetings, agenda items, decisions and what they mention.

The shape follows OParl where it fits: a meeting has agenda items, an item's
number is a string ("10.1") and its order an integer, and one item can carry
decisions by several bodies (a committee recommends, the council decides).
"""

import functools
import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Municipality, Organisation


class SourceDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sources whose text `user` may read. Without view_closed_item only those of a meeting
        without closed items, every version alike: a closed item's case number and initials stand in
        the text even when the item has no body. A source without a meeting is withheld too."""
        if user is not None and user.has_perm("minutes.view_closed_item"):
            return self
        return (self.filter(meeting__isnull=False).exclude(meeting__items__closed=True)
                .exclude(current_for__items__closed=True))


class SourceDocument(models.Model):
    """A referat file exactly as received, decoded to text; never changed after import."""

    file_name = models.CharField(_("filnavn"), max_length=500)
    sha256 = models.CharField(_("sha256"), max_length=64, unique=True, help_text=_("Af de rå bytes."))
    text = models.TextField(_("tekst"), help_text=_("Hele den afkodede tekst, som modtaget."))
    encoding = models.CharField(_("tegnsæt"), max_length=40)
    size = models.PositiveIntegerField(_("størrelse (bytes)"), default=0)
    imported_at = models.DateTimeField(_("importeret"), auto_now_add=True)
    meeting = models.ForeignKey(
        "Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="sources",
        help_text=_("Mødet dokumentet beskriver; også tidligere versioner bevares."),
    )
    import_run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )

    objects = SourceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("kildedokument")
        verbose_name_plural = _("kildedokumenter")

    def __str__(self):
        return self.file_name

    @property
    def base_name(self) -> str:
        """The file's name without the folders it had on the importing machine (shown publicly)."""
        return re.split(r"[\\/]", self.file_name)[-1]


class MeetingQuerySet(models.QuerySet):
    def with_item_count(self, user):
        """Each meeting with item_count: how many of its items `user` may see (AgendaItem visible_to)."""
        if user is not None and user.has_perm("minutes.view_closed_item"):
            return self.annotate(item_count=Count("items"))
        return self.annotate(item_count=Count("items", filter=Q(items__closed=False)))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        REFERAT = "referat", _("Referat")
        DAGSORDEN = "dagsorden", _("Dagsorden")
        NOTAT = "notat", _("Notat")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("dato"))
    start_time = models.TimeField(_("starttidspunkt"), null=True, blank=True)
    end_time = models.TimeField(_("sluttidspunkt"), null=True, blank=True)
    location = models.CharField(_("mødested"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.REFERAT)
    title = models.CharField(_("titel"), max_length=500, blank=True, help_text=_("Overskrift på et notat."))
    participants = ArrayField(models.CharField(max_length=200), default=list, blank=True, verbose_name=_("deltagere"))
    # Gathered from every decision, closed items' too: shown through absent_visible_to().
    absent = ArrayField(models.CharField(max_length=200), default=list, blank=True, verbose_name=_("fraværende"))
    header = models.JSONField(
        _("øvrige oplysninger"), default=dict, blank=True,
        help_text=_('Andre felter fra referatets top, som trykt, fx "Referat publiceret".'),
    )
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="current_for", verbose_name=_("kilde"),
        help_text=_("Den version af dokumentet mødets punkter kommer fra."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "committee__name"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        constraints = [
            # The identity of a meeting: a later version (the referat after the dagsorden) replaces it.
            models.UniqueConstraint(fields=["committee", "date"], name="meeting_unique_per_committee_and_date"),
        ]
        indexes = [models.Index(fields=["-date"], name="meeting_date_desc")]

    def __str__(self):
        return f"{self.committee.name} {self.date:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("minutes:meeting", args=[self.pk])

    def absent_visible_to(self, user) -> list[str]:
        """The absent members as `user` may see them. `absent` is gathered from every decision of
        the meeting, so a name recorded only in items hidden from the user (a closed personnel
        case, also one closed after import) is left out; a name also absent from a visible item
        stays."""
        if user is not None and user.has_perm("minutes.view_closed_item"):
            return list(self.absent)
        visible = AgendaItem.objects.visible_to(user).filter(pk=OuterRef("item_id"))
        shown, hidden = set(), set()
        decisions = Decision.objects.filter(item__meeting=self).annotate(visible=Exists(visible))
        for is_visible, names in decisions.values_list("visible", "absent"):
            (shown if is_visible else hidden).update(names)
        return [name for name in self.absent if name in shown or name not in hidden]


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The items `user` may see: closed items only with the view_closed_item permission."""
        if user is not None and user.has_perm("minutes.view_closed_item"):
            return self
        return self.filter(closed=False)


class AgendaItem(models.Model):
    class ItemType(models.TextChoices):
        BESLUTNING = "B", _("Beslutning")
        ORIENTERING = "O", _("Orientering")
        DROEFTELSE = "D", _("Drøftelse")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    # Null, not "", for a note without numbered items: the spec's JSON says number may be null.
    number = models.CharField(  # noqa: DJ001
        _("nummer"), max_length=20, null=True, blank=True, help_text=_('Som trykt, fx "6" eller "10.1".')
    )
    order = models.PositiveIntegerField(_("rækkefølge"))
    title = models.CharField(_("titel"), max_length=1000)
    item_type = models.CharField(  # noqa: DJ001 - null like the spec JSON: no type printed
        _("punkttype"), max_length=1, choices=ItemType.choices, null=True, blank=True
    )
    case_number = models.CharField(_("sagsnummer"), max_length=60, blank=True)
    closed = models.BooleanField(_("lukket punkt"), default=False)
    sections = models.JSONField(
        _("afsnit"), default=list, blank=True,
        help_text=_('Afsnittene i kildens rækkefølge: [{"heading": …, "text": …}].'),
    )
    metadata = models.JSONField(_("øvrige oplysninger"), default=dict, blank=True)

    # Copied from the meeting and its decisions at import, so search filters, facets
    # and sorting read one table.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("dato"))
    outcome = models.CharField(_("udfald"), max_length=12, blank=True, help_text=_("Den sidste besluttings udfald."))

    # The Danish analysis (search/danish.py) writes every lexeme at its word's position
    # into search_document; a database trigger (migration 0003) turns it into the weighted
    # search_vector on every insert and update, then clears the text so it is stored once.
    search_document = models.TextField(blank=True, null=True, editable=False)  # noqa: DJ001 - emptied by the trigger
    search_vector = SearchVectorField(null=True, editable=False)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order"]
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        permissions = [("view_closed_item", _("Kan se lukkede punkter"))]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], condition=Q(number__isnull=False), name="item_unique_number_per_meeting"
            ),
            models.UniqueConstraint(fields=["meeting", "order"], name="item_unique_order_per_meeting"),
        ]
        indexes = [
            # The search index (GIN over municipality, sample bucket, date and the vector)
            # is created by migration 0004 in SQL: Django cannot express the bucket column.
            models.Index(fields=["-date", "-id"], name="item_date_desc"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

    def save(self, *args, **kwargs):
        if self.meeting_id and not self.committee_id:
            self.take_meeting_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        before, after = _item_url_around_id(get_script_prefix())
        return f"{before}{self.pk}{after}"

    def take_meeting_fields(self) -> None:
        """Copy the meeting's committee, municipality and date onto the item."""
        self.committee_id = self.meeting.committee_id
        self.municipality_id = self.meeting.committee.municipality_id
        self.date = self.meeting.date

    @property
    def final_decision(self):
        """The last decision (by the last body to decide), using prefetched decisions when there are any."""
        decisions = list(self.decisions.all())
        return decisions[-1] if decisions else None

    def section(self, heading: str) -> str:
        return "\n\n".join(s["text"] for s in self.sections if s["heading"] == heading and s["text"])


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Godkendt")
    RECOMMENDED = "recommended", _("Anbefalet")
    NOTED = "noted", _("Taget til efterretning")
    DISCUSSED = "discussed", _("Drøftet")
    REJECTED = "rejected", _("Afvist")
    POSTPONED = "postponed", _("Udsat")
    OTHER = "other", _("Andet")


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    body = models.CharField(_("besluttende organ"), max_length=200, blank=True)
    date = models.DateField(_("dato"), null=True, blank=True)
    text = models.TextField(_("beslutning"), blank=True)
    outcome = models.CharField(_("udfald"), max_length=12, choices=Outcome.choices, default=Outcome.OTHER)
    absent = ArrayField(models.CharField(max_length=200), default=list, blank=True, verbose_name=_("fraværende"))
    # Read from the text by minutes.importer.votes, which keeps the text whole. Writers that name
    # only the older columns (COPY) get the database defaults.
    votes = models.JSONField(
        _("afstemning"), null=True, blank=True,
        help_text=_('{"for": …, "against": …, "abstained": …}, hver side null eller {"count": 20, "who": ["A", "V"]}.'),
    )
    vote_rounds = models.JSONField(
        _("alle afstemninger"), null=True, blank=True,
        help_text=_("Når beslutningen har flere afstemninger (fx et ændringsforslag først): hver med \"about\"."),
    )
    remarks = ArrayField(models.TextField(), default=list, db_default=[], blank=True,
                         verbose_name=_("forbehold og protokolbemærkninger"))
    substitutes = ArrayField(models.CharField(max_length=200), default=list, db_default=[], blank=True,
                             verbose_name=_("mødte i stedet"))
    item_number = models.CharField(_("punktnummer"), max_length=20, blank=True, db_default="",
                                   help_text=_("En tidligere behandling: punktets nummer på det organs dagsorden."))

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")

    VOTE_SIDES = {"for": _("For"), "against": _("Imod"), "abstained": _("Undlod at stemme")}

    def __str__(self):
        return f"{self.body} {self.date or ''}: {self.get_outcome_display()}"

    def ballots(self) -> list[dict]:
        """The votes for a page: each round ({"about", "sides": [(label, count, who), …]}), the sides
        that voted only. Values an admin typed that are not of that shape are left out."""
        rounds = self.vote_rounds or ([self.votes] if self.votes else [])
        ballots = []
        for ballot in rounds:
            if not isinstance(ballot, dict):
                continue
            sides = [(label, ballot[key].get("count"), ballot[key].get("who") or [])
                     for key, label in self.VOTE_SIDES.items() if isinstance(ballot.get(key), dict)]
            if sides:
                ballots.append({"about": ballot.get("about"), "sides": sides})
        return ballots


class OrganisationMention(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="mentions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="mentions")
    sentence = models.TextField(_("sætning"))

    class Meta:
        verbose_name = _("omtale af organisation")
        verbose_name_plural = _("omtaler af organisationer")
        constraints = [
            models.UniqueConstraint(fields=["item", "organisation"], name="mention_unique_per_item_and_organisation"),
        ]

    def __str__(self):
        return f"{self.organisation} i {self.item}"


class FollowUp(models.Model):
    """A promise in an item to come back to the subject ("status i foråret 2025")."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="follow_ups")
    sentence = models.TextField(_("sætning"))
    period = models.CharField(_("periode"), max_length=100, help_text=_('Som skrevet, fx "foråret 2025".'))
    due_start = models.DateField(_("tidligst"), null=True, blank=True)
    due_end = models.DateField(_("senest"), null=True, blank=True)

    class Meta:
        ordering = ["due_end"]
        verbose_name = _("lovet opfølgning")
        verbose_name_plural = _("lovede opfølgninger")

    def __str__(self):
        return f"{self.period}: {self.item}"


class Amount(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="amounts")
    text = models.CharField(_("som skrevet"), max_length=100)
    kroner = models.DecimalField(_("kroner"), max_digits=16, decimal_places=2)
    sentence = models.TextField(_("sætning"), blank=True)

    class Meta:
        ordering = ["item", "-kroner"]
        verbose_name = _("beløb")
        verbose_name_plural = _("beløb")

    def __str__(self):
        return self.text


class ImportRun(models.Model):
    started_at = models.DateTimeField(_("startet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    user = models.CharField(_("bruger"), max_length=150, blank=True, help_text=_("Systembrugeren der kørte importen."))
    django_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    arguments = models.JSONField(_("argumenter"), default=list)
    dry_run = models.BooleanField(_("prøvekørsel"), default=False)
    counts = models.JSONField(_("tal"), default=dict)
    warnings = models.JSONField(_("advarsler"), default=list)
    errors = models.JSONField(_("fejl"), default=list)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("importkørsel")
        verbose_name_plural = _("importkørsler")

    def __str__(self):
        return f"Import {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def succeeded(self) -> bool:
        return not self.errors


_URL_MARKER = "918273645"


@functools.lru_cache(maxsize=16)
def _item_url_around_id(script_prefix: str) -> tuple[str, str]:
    """An item's URL before and after its id, reversed once per script prefix: reverse() costs
    about 40 µs, and every result page and API answer links 20 or more items."""
    before, after = reverse("minutes:item", args=[int(_URL_MARKER)]).split(_URL_MARKER)
    return before, after
