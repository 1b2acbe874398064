"""Who meets and who they work with: municipalities, committees, organisations."""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slugify(text: str) -> str:
    """A URL slug that spells æ, ø and å the Danish way (ae, oe, aa) instead of dropping them."""
    return slugify(text.translate(_DANISH_LETTERS))


class Region(models.TextChoices):
    HOVEDSTADEN = "Hovedstaden", "Region Hovedstaden"
    SJAELLAND = "Sjælland", "Region Sjælland"
    SYDDANMARK = "Syddanmark", "Region Syddanmark"
    MIDTJYLLAND = "Midtjylland", "Region Midtjylland"
    NORDJYLLAND = "Nordjylland", "Region Nordjylland"


class MunicipalityQuerySet(models.QuerySet):
    def resolve(self, name: str):
        """The municipality a person means by `name`, or None.

        Accepts the short name ("Vesthimmerland"), the official name
        ("Vesthimmerlands Kommune"), genitive forms ("Slagelse Kommunes",
        "Københavns"), the kommunekode ("101") and any letter case.
        """
        key = fold_whitespace(name).casefold()
        if not key:
            return None
        if key.isdigit():
            return self.filter(code=int(key)).first()
        key = re.sub(r"\s+(regions)?kommunes?$", "", key)
        for municipality in self.all():
            if key in municipality.name_forms():
                return municipality
        return None


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField(_("kommunekode"), primary_key=True)
    name = models.CharField(_("navn"), max_length=60, unique=True, help_text=_('Kort navn, fx "Vesthimmerland".'))
    official_name = models.CharField(_("officielt navn"), max_length=80, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("committees:municipality", args=[self.slug])

    def name_forms(self) -> set[str]:
        """Lower-case forms under which the municipality is named in running text."""
        stem = re.sub(r"\s+(regions)?kommune$", "", self.official_name.casefold())
        short = self.name.casefold()
        return {short, short + "s", stem, stem + "s"}


class Committee(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(_("navn"), max_length=200, help_text=_("Som udvalget står skrevet i referatet."))
    slug = models.SlugField(max_length=200)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("udvalg")
        verbose_name_plural = _("udvalg")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="committee_unique_name_per_municipality"),
            models.UniqueConstraint(fields=["municipality", "slug"], name="committee_unique_slug_per_municipality"),
        ]

    def __str__(self):
        return f"{self.name} ({self.municipality})"

    def save(self, *args, **kwargs):
        self.name = fold_whitespace(self.name)
        if not self.slug:
            self.slug = danish_slugify(self.name)[:200] or "udvalg"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("committees:committee", args=[self.municipality.slug, self.slug])


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Styrelse eller statslig myndighed")
    FOUNDATION = "foundation", _("Fond")
    INTEREST = "interest", _("Interesseorganisation")
    LABOUR_MARKET = "labour_market", _("Arbejdsmarkedsorganisation")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Socialøkonomisk virksomhed")
    NGO = "ngo", _("Frivillig eller humanitær organisation")
    MUNICIPAL = "municipal", _("Kommunalt fællesskab")
    COMPANY = "company", _("Virksomhed")
    EDUCATION = "education", _("Uddannelse og forskning")
    OTHER = "other", _("Anden")


class Organisation(models.Model):
    name = models.CharField(_("kanonisk navn"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    aliases = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, verbose_name=_("aliaser"),
        help_text=_("Forkortelser, andre stavemåder og bøjede former, fx DSI eller VELUX Fonden."),
    )
    website = models.URLField(_("hjemmeside"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = danish_slugify(self.name)[:200]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("committees:organisation", args=[self.slug])

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


class OrganisationCandidate(models.Model):
    """A name the importer took for an organisation but found in no registry."""

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        ACCEPTED = "accepted", _("Godkendt som organisation")
        MERGED = "merged", _("Slået sammen med eksisterende")
        REJECTED = "rejected", _("Afvist")

    name = models.CharField(_("navn"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates",
        help_text=_("Den organisation navnet blev godkendt som eller slået sammen med."),
    )
    occurrences = models.PositiveIntegerField(_("forekomster"), default=0)
    example = models.TextField(_("eksempel"), blank=True, help_text=_("En sætning hvor navnet står."))
    in_open_item = models.BooleanField(
        _("set i et åbent punkt"), default=False,
        help_text=_("Ellers kendes navnet og eksemplet kun fra lukkede punkter og vises kun for brugere, "
                    "der må se lukkede punkter."),
    )
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurrences", "name"]
        verbose_name = _("organisationskandidat")
        verbose_name_plural = _("organisationskandidater")
        constraints = [models.UniqueConstraint(Lower("name"), name="organisation_candidate_unique_name")]

    def __str__(self):
        return self.name


class RegistryEntry(models.Model):
    """One organisation of the shipped registry (fixtures/organisations.json) and what the file last
    said about it, so `migrate` can tell an admin's edit from an older shipped version
    (committees/registry.py)."""

    key = models.PositiveIntegerField(primary_key=True)  # the entry's pk in the fixture, never reused
    # Null once an admin deleted the organisation: it is not created again.
    organisation = models.OneToOneField(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="registry_entry"
    )
    shipped = models.JSONField()  # the entry's fields as the fixture last shipped them

    class Meta:
        verbose_name = _("post i organisationsregistret")
        verbose_name_plural = _("poster i organisationsregistret")

    def __str__(self):
        return self.shipped.get("name", str(self.key))
