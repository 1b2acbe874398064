"""Reading referat files: bytes → text → blocks → ParsedMeeting. Storing lives in store.py."""

import hashlib

from minutes.importer.decode import DecodeError, decode
from minutes.importer.parsed import ParsedDocument
from minutes.importer.reader import Context, ReadError, read


def parse_bytes(path: str, data: bytes, context: Context) -> ParsedDocument:
    """Parse one document. Problems become status "error" with a plain message, never an exception."""
    document = ParsedDocument(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    try:
        decoded = decode(data)
        document.text, document.encoding = decoded.text, decoded.encoding
        document.warnings.extend(decoded.warnings)
        document.meeting, warnings = read(decoded.text, context)
        document.warnings.extend(warnings)
        document.misread = warnings
    except (DecodeError, ReadError) as exc:
        document.status, document.error = "error", f"{path}: {exc}"
    return document


def prepare(path: str, data: bytes, context: Context) -> ParsedDocument:
    """Parse, then do the index work that needs no database: it can run in a worker process."""
    document = parse_bytes(path, data, context)
    meeting = document.meeting
    if meeting is None:
        return document
    document.search_documents = [index_item(item, meeting, context.organisation_names) for item in meeting.items]
    document.vocabulary = open_vocabulary(meeting)
    return document


def index_item(item, meeting, organisation_names: dict[str, list[str]]) -> str:
    """The search document of one parsed item (search.index decides what is weighted how)."""
    from search.index import document_for

    return document_for(
        title=item.title, sections=[{"heading": h, "text": t} for h, t in item.sections],
        decisions=[d.text for d in item.decisions],
        organisation_names=[n for m in item.mentions for n in organisation_names.get(m.organisation, [])],
        committee=meeting.committee, municipality=meeting.municipality, case_number=item.case_number or "",
    )


def open_vocabulary(meeting) -> dict:
    """The words of the meeting's open items: a closed item's words must never be suggested."""
    from search.vocabulary import item_text, vocabulary

    return vocabulary(item_text(item.title, (t for _, t in item.sections)) for item in meeting.items if not item.closed)
