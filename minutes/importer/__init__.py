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
    except (DecodeError, ReadError) as exc:
        document.status, document.error = "error", f"{path}: {exc}"
    return document
