"""Store a parsed document in one transaction: all of it, or nothing.

Idempotent by sha256 of the raw bytes. A new version of a meeting (same
municipality, committee and date) replaces the meeting's items; every source
document stays stored, so earlier versions can be compared.
"""

import json
from dataclasses import dataclass, field

from django.db import connections, router, transaction

from committees.models import Committee, Municipality, Organisation, OrganisationCandidate
from minutes import models
from minutes.importer import index_item, open_vocabulary
from minutes.importer.organisations import OrganisationMatcher
from minutes.importer.parsed import ParsedDocument
from minutes.importer.reader import Context
from minutes.models import ImportRun, Meeting, SourceDocument
from search.vocabulary import count_words, stored_vocabulary

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def build_context(municipality: str | None = None) -> Context:
    """The reader's view of the registry: municipalities and organisations as plain data."""
    municipalities = {m.name: m.name_forms() for m in Municipality.objects.all()}
    organisations = list(Organisation.objects.all())
    registry = [(o.name, list(o.aliases)) for o in organisations]
    rejected_candidates = OrganisationCandidate.objects.filter(status=OrganisationCandidate.Status.REJECTED)
    rejected = set(rejected_candidates.values_list("name", flat=True))
    return Context(
        municipalities,
        OrganisationMatcher(registry, rejected),
        municipality,
        organisation_names={o.name: o.all_names() for o in organisations},
    )


@dataclass
class StoreResult:
    status: str
    items: int = 0
    decisions: int = 0
    organisations: int = 0
    warnings: list[str] = field(default_factory=list)
    replaced_vocabulary: dict = field(default_factory=dict)  # the words of the open items a new version replaced


class Registry:
    """Ids every document needs (municipalities, committees, organisations), read once per import run.

    A committee created by a document is remembered only when that document commits:
    a rolled-back document must not leave an id behind that no longer exists.
    """

    def __init__(self):
        self.municipalities = dict(Municipality.objects.values_list("name", "code"))
        self.organisations = dict(Organisation.objects.values_list("name", "id"))
        self.committees = {(m, n): pk for pk, m, n in Committee.objects.values_list("id", "municipality_id", "name")}

    def committee(self, municipality: int, name: str) -> int:
        key = (municipality, name)
        if key not in self.committees:
            committee, _ = Committee.objects.get_or_create(municipality_id=municipality, name=name)
            transaction.on_commit(lambda: self.committees.__setitem__(key, committee.pk))
            return committee.pk
        return self.committees[key]


@transaction.atomic
def store(
    document: ParsedDocument,
    run: ImportRun | None = None,
    force: bool = False,
    count_vocabulary: bool = True,
    registry: Registry | None = None,
) -> StoreResult:
    """Store one document. With count_vocabulary=False the caller adds document.vocabulary to the
    word table itself and takes the result's replaced_vocabulary out of it (the importer does it
    once per batch, for the documents that were stored).
    An importer passes one Registry for the whole run; without one it is read here."""
    parsed = document.meeting
    assert parsed is not None, "only successfully read documents are stored"
    registry = registry or Registry()
    municipality = registry.municipalities[parsed.municipality]
    # A committee not yet known is created only when the document is stored: not for a file
    # that turns out to be imported already.
    committee = registry.committees.get((municipality, parsed.committee))
    source_id, meeting_id = _source_and_meeting(document.sha256, committee, parsed.date)
    if source_id is not None and not force:
        return StoreResult(UNCHANGED)
    if committee is None:
        committee = registry.committee(municipality, parsed.committee)
        _, meeting_id = _source_and_meeting(document.sha256, committee, parsed.date)  # another import's?
    if source_id is None and meeting_id is None:  # the usual case: a meeting seen for the first time
        meeting = _create_meeting(document, run, committee)
        return _store_items(document, meeting, municipality, committee, registry, count_vocabulary,
                            StoreResult(CREATED))
    source = SourceDocument.objects.get(pk=source_id) if source_id is not None else None
    if source is None:
        source = SourceDocument.objects.create(
            file_name=document.path,
            sha256=document.sha256,
            text=document.text,
            encoding=document.encoding,
            size=document.size,
            import_run=run,
        )

    meeting = Meeting.objects.get(pk=meeting_id) if meeting_id is not None else None  # locked above
    result = StoreResult(CREATED if meeting is None else UPDATED)
    if meeting is not None and meeting.kind == Meeting.Kind.REFERAT and parsed.kind == Meeting.Kind.DAGSORDEN:
        # An agenda arriving after its minutes is the older version: keep the minutes.
        source.meeting = meeting
        source.save(update_fields=["meeting"])
        result.status = UNCHANGED
        result.warnings.append("dagsordenen er ældre end det gemte referat af samme møde; referatet er bevaret")
        return result

    fields = {**_meeting_fields(parsed), "source": source}
    if meeting is None:
        meeting = Meeting.objects.create(committee_id=committee, date=parsed.date, **fields)
    else:
        result.replaced_vocabulary = stored_vocabulary(meeting.items.all())
        meeting.items.all().delete()
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save()
    source.meeting = meeting
    source.save(update_fields=["meeting"])
    return _store_items(document, meeting, municipality, committee, registry, count_vocabulary, result)


def _meeting_fields(parsed) -> dict:
    """The meeting's columns from the document (both ways of storing it write these)."""
    return dict(
        start_time=parsed.start_time,
        end_time=parsed.end_time,
        location=parsed.location[:300],
        kind=parsed.kind,
        title=parsed.title[:500],
        participants=parsed.participants,
        absent=parsed.absent,
        header=parsed.header,
    )


def _source_and_meeting(sha256: str, committee: int | None, date) -> tuple[int | None, int | None]:
    """Ids of the source with these bytes and of the committee's meeting that day (locked until
    the document commits), in one statement; None for what does not exist."""
    with connections[router.db_for_write(Meeting)].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {SourceDocument._meta.db_table} WHERE sha256 = %s), "
            f"(SELECT id FROM {Meeting._meta.db_table} WHERE committee_id = %s AND date = %s FOR UPDATE)",
            [sha256, committee, date],
        )
        return cursor.fetchone()


def _create_meeting(document: ParsedDocument, run: ImportRun | None, committee: int) -> Meeting:
    """The source document and its new meeting, pointing at each other, in one statement (the
    foreign keys are checked at commit). Returns an unsaved Meeting holding the new id and date."""
    parsed = document.meeting
    fields = _meeting_fields(parsed)
    with connections[router.db_for_write(Meeting)].cursor() as cursor:
        cursor.execute(
            f"""
            WITH new AS (SELECT nextval(pg_get_serial_sequence('{Meeting._meta.db_table}', 'id')) AS id),
            source AS (
                INSERT INTO {SourceDocument._meta.db_table}
                    (file_name, sha256, text, encoding, size, imported_at, import_run_id, meeting_id)
                SELECT %s, %s, %s, %s, %s::integer, now(), %s::bigint, new.id FROM new RETURNING id, meeting_id
            )
            INSERT INTO {Meeting._meta.db_table} (id, committee_id, date, start_time, end_time, location, kind, title,
                participants, absent, header, source_id, updated_at)
            SELECT source.meeting_id, %s::bigint, %s::date, %s::time, %s::time, %s, %s, %s, %s::varchar[],
                %s::varchar[], %s::jsonb, source.id, now()
            FROM source
            RETURNING id
            """,
            [document.path, document.sha256, document.text, document.encoding, document.size,
             run.pk if run is not None else None,
             committee, parsed.date, fields["start_time"], fields["end_time"], fields["location"], fields["kind"],
             fields["title"], fields["participants"], fields["absent"],
             json.dumps(fields["header"], ensure_ascii=False)],
        )
        (meeting_id,) = cursor.fetchone()
    return Meeting(pk=meeting_id, committee_id=committee, date=parsed.date)


def _store_items(document, meeting, municipality, committee, registry, count_vocabulary, result) -> StoreResult:
    parsed = document.meeting
    if document.search_documents is None:
        organisation_names = {o.name: o.all_names() for o in Organisation.objects.all()}
        document.search_documents = [index_item(p, parsed, organisation_names) for p in parsed.items]
    result.items, result.decisions, result.organisations = _copy_items(
        meeting, municipality, committee, parsed.items, document.search_documents, registry.organisations
    )
    _record_candidates(parsed)
    # Only open items feed the suggestion vocabulary: a closed item's words must not surface.
    if document.vocabulary is None:
        document.vocabulary = open_vocabulary(parsed)
    if count_vocabulary:
        count_words(document.vocabulary, removed=result.replaced_vocabulary)
    return result


def reserve_ids(cursor, table: str, count: int) -> list[int]:
    """`count` new ids from `table`'s sequence, for rows written with COPY (safe beside other writers)."""
    cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count])
    return [row[0] for row in cursor.fetchall()]


def _copy_items(
    meeting,
    municipality: int,
    committee: int,
    items: list,
    search_documents: list[str],
    organisation_ids: dict[str, int],
) -> tuple[int, int, int]:
    """The items and everything found in them, with COPY: a handful of statements per document.
    (items, decisions, organisation mentions) written."""
    # psycopg's own cursor, for COPY; its errors still become Django's DatabaseError.
    connection = connections[router.db_for_write(models.AgendaItem)]
    with connection.cursor() as wrapper, connection.wrap_database_errors:
        cursor = wrapper.cursor
        ids = reserve_ids(cursor, models.AgendaItem._meta.db_table, len(items))
        with cursor.copy(
            f'COPY {models.AgendaItem._meta.db_table} (id, meeting_id, number, "order", title, item_type, case_number, '
            "closed, sections, metadata, municipality_id, committee_id, date, outcome, search_document) "
            "FROM STDIN"
        ) as copy:
            for order, (id_, p, search_document) in enumerate(zip(ids, items, search_documents, strict=True), 1):
                copy.write_row(
                    (
                        id_,
                        meeting.pk,
                        p.number,
                        order,
                        p.title[:1000],
                        p.item_type,
                        (p.case_number or "")[:60],
                        p.closed,
                        json.dumps([{"heading": h, "text": t} for h, t in p.sections], ensure_ascii=False),
                        json.dumps(p.metadata, ensure_ascii=False),
                        municipality,
                        committee,
                        meeting.date,
                        p.decisions[-1].outcome if p.decisions else "",
                        search_document,
                    )
                )
        decisions = [
            (id_, n, d.body[:200], d.date, d.text, d.outcome, [a[:200] for a in d.absent], _json_or_null(d.votes),
             _json_or_null(d.vote_rounds), d.remarks, [s[:200] for s in d.substitutes], (d.item_number or "")[:20])
            for id_, p in zip(ids, items, strict=True) for n, d in enumerate(p.decisions)
        ]
        mentions = [(id_, organisation_ids[m.organisation], m.sentence)
                    for id_, p in zip(ids, items, strict=True) for m in p.mentions
                    if m.organisation in organisation_ids]
        follow_ups = [(id_, f.sentence, f.period[:100], f.due_start, f.due_end)
                      for id_, p in zip(ids, items, strict=True) for f in p.follow_ups]
        amounts = [(id_, a.text[:100], a.kroner, a.sentence)
                   for id_, p in zip(ids, items, strict=True) for a in p.amounts]
        for table, rows in [
            (f'{models.Decision._meta.db_table} (item_id, "order", body, date, text, outcome, absent, votes, '
             "vote_rounds, remarks, substitutes, item_number)", decisions),
            (f"{models.OrganisationMention._meta.db_table} (item_id, organisation_id, sentence)", mentions),
            (f"{models.FollowUp._meta.db_table} (item_id, sentence, period, due_start, due_end)", follow_ups),
            (f"{models.Amount._meta.db_table} (item_id, text, kroner, sentence)", amounts),
        ]:
            if rows:
                with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    return len(items), len(decisions), len(mentions)


def _json_or_null(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _record_candidates(parsed) -> None:
    """Count each candidate name once per document, in one statement.

    A name seen in an open item is marked so, and its example is then a sentence of an open item:
    a name and sentence known only from closed items are shown only to those who may see them.
    Names are written in a fixed order, so two imports storing at the same time lock the same
    rows in the same order and never wait for each other in a circle."""
    rows = [[c.organisation[:200], c.sentence, not item.closed] for item in parsed.items for c in item.candidates]
    if not rows:
        return
    candidates = OrganisationCandidate._meta.db_table
    with connections[router.db_for_write(OrganisationCandidate)].cursor() as cursor:  # DISTINCT ON: once per name, …
        cursor.execute(
            f"""
            INSERT INTO {candidates} (name, example, in_open_item, occurrences, status, first_seen)
            SELECT DISTINCT ON (lower(r->>0)) r->>0, r->>1, (r->>2)::boolean, 1, %s, now()
            FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS e(r, n)
            ORDER BY lower(r->>0), (r->>2)::boolean DESC, n
            ON CONFLICT ((lower(name))) DO UPDATE SET
                occurrences = {candidates}.occurrences + 1,
                example = CASE WHEN {candidates}.in_open_item OR NOT EXCLUDED.in_open_item
                               THEN {candidates}.example ELSE EXCLUDED.example END,
                in_open_item = {candidates}.in_open_item OR EXCLUDED.in_open_item
            """,
            [OrganisationCandidate.Status.NEW, json.dumps(rows, ensure_ascii=False)],
        )
