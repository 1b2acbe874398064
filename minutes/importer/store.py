"""Store a parsed document in one transaction: all of it, or nothing.

Idempotent by sha256 of the raw bytes. A new version of a meeting (same
municipality, committee and date) replaces the meeting's items; every source
document stays stored, so earlier versions can be compared.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower

from committees.models import Committee, Municipality, Organisation, OrganisationCandidate
from minutes.importer import index_item, open_vocabulary
from minutes.importer.organisations import OrganisationMatcher
from minutes.importer.parsed import ParsedDocument
from minutes.importer.reader import Context
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
from search.vocabulary import count_words

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def build_context(municipality: str | None = None) -> Context:
    """The reader's view of the registry: municipalities and organisations as plain data."""
    municipalities = {m.name: m.name_forms() for m in Municipality.objects.all()}
    organisations = list(Organisation.objects.all())
    registry = [(o.name, list(o.aliases)) for o in organisations]
    rejected_candidates = OrganisationCandidate.objects.filter(status=OrganisationCandidate.Status.REJECTED)
    rejected = set(rejected_candidates.values_list("name", flat=True))
    return Context(municipalities, OrganisationMatcher(registry, rejected), municipality,
                   organisation_names={o.name: o.all_names() for o in organisations})


@dataclass
class StoreResult:
    status: str
    items: int = 0
    decisions: int = 0
    organisations: int = 0
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def store(document: ParsedDocument, run: ImportRun | None = None, force: bool = False,
          count_vocabulary: bool = True) -> StoreResult:
    """Store one document. With count_vocabulary=False the caller adds document.vocabulary to the
    word table itself (the importer does it once per batch, for the documents that were stored)."""
    parsed = document.meeting
    assert parsed is not None, "only successfully read documents are stored"
    source = SourceDocument.objects.filter(sha256=document.sha256).first()
    if source is not None and not force:
        return StoreResult(UNCHANGED)
    municipality = Municipality.objects.get(name=parsed.municipality)
    committee, _ = Committee.objects.get_or_create(municipality=municipality, name=parsed.committee)
    if source is None:
        source = SourceDocument.objects.create(
            file_name=document.path, sha256=document.sha256, text=document.text,
            encoding=document.encoding, size=document.size, import_run=run,
        )

    meeting = Meeting.objects.select_for_update().filter(committee=committee, date=parsed.date).first()
    result = StoreResult(CREATED if meeting is None else UPDATED)
    if meeting is not None and meeting.kind == Meeting.Kind.REFERAT and parsed.kind == Meeting.Kind.DAGSORDEN:
        # An agenda arriving after its minutes is the older version: keep the minutes.
        source.meeting = meeting
        source.save(update_fields=["meeting"])
        result.status = UNCHANGED
        result.warnings.append("dagsordenen er ældre end det gemte referat af samme møde; referatet er bevaret")
        return result

    fields = dict(
        start_time=parsed.start_time, end_time=parsed.end_time, location=parsed.location[:300],
        kind=parsed.kind, title=parsed.title[:500], participants=parsed.participants, absent=parsed.absent,
        header=parsed.header, source=source,
    )
    if meeting is None:
        meeting = Meeting.objects.create(committee=committee, date=parsed.date, **fields)
    else:
        meeting.items.all().delete()
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save()
    source.meeting = meeting
    source.save(update_fields=["meeting"])

    if document.search_documents is None:
        organisation_names = {o.name: o.all_names() for o in Organisation.objects.all()}
        document.search_documents = [index_item(p, parsed, organisation_names) for p in parsed.items]
    items = AgendaItem.objects.bulk_create([
        _agenda_item(meeting, order, p, search_document)
        for order, (p, search_document) in enumerate(zip(parsed.items, document.search_documents, strict=True), 1)
    ])
    organisation_ids = {name: id_ for name, id_ in Organisation.objects.values_list("name", "id")}
    decisions, mentions, follow_ups, amounts = [], [], [], []
    for item, p in zip(items, parsed.items, strict=True):
        decisions += [
            Decision(item=item, order=n, body=d.body[:200], date=d.date, text=d.text, outcome=d.outcome,
                     absent=d.absent)
            for n, d in enumerate(p.decisions)
        ]
        mentions += [
            OrganisationMention(item=item, organisation_id=organisation_ids[m.organisation], sentence=m.sentence)
            for m in p.mentions if m.organisation in organisation_ids
        ]
        follow_ups += [
            FollowUp(item=item, sentence=f.sentence, period=f.period[:100], due_start=f.due_start, due_end=f.due_end)
            for f in p.follow_ups
        ]
        amounts += [Amount(item=item, text=a.text[:100], kroner=a.kroner, sentence=a.sentence) for a in p.amounts]
    Decision.objects.bulk_create(decisions)
    OrganisationMention.objects.bulk_create(mentions)
    FollowUp.objects.bulk_create(follow_ups)
    Amount.objects.bulk_create(amounts)
    _record_candidates(parsed)
    # Only open items feed the suggestion vocabulary: a closed item's words must not surface.
    if document.vocabulary is None:
        document.vocabulary = open_vocabulary(parsed)
    if count_vocabulary:
        count_words(document.vocabulary)

    result.items, result.decisions, result.organisations = len(items), len(decisions), len(mentions)
    return result


def _agenda_item(meeting: Meeting, order: int, parsed, search_document: str) -> AgendaItem:
    committee = meeting.committee
    return AgendaItem(
        meeting=meeting, number=parsed.number, order=order, title=parsed.title[:1000], item_type=parsed.item_type,
        case_number=(parsed.case_number or "")[:60], closed=parsed.closed,
        sections=[{"heading": h, "text": t} for h, t in parsed.sections],
        metadata=parsed.metadata, municipality_id=committee.municipality_id, committee=committee, date=meeting.date,
        outcome=parsed.decisions[-1].outcome if parsed.decisions else "", search_document=search_document,
    )


def _record_candidates(parsed) -> None:
    seen: dict[str, tuple[str, str]] = {}
    for item in parsed.items:
        for candidate in item.candidates:
            seen.setdefault(candidate.organisation.casefold(), (candidate.organisation, candidate.sentence))
    if not seen:
        return
    existing = {
        c.lower_name: c for c in OrganisationCandidate.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=list(seen)
        )
    }
    for key, (name, sentence) in seen.items():
        if key in existing:
            OrganisationCandidate.objects.filter(pk=existing[key].pk).update(occurrences=F("occurrences") + 1)
        else:
            OrganisationCandidate.objects.create(name=name[:200], example=sentence, occurrences=1)
