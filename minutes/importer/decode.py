"""Bytes to text: detect the encoding, refuse binaries, keep every character.

The decoded text is stored exactly as received (CRLF, BOM-less, non-breaking
spaces and all). Readers work on `reading_lines(text)`, a normalised copy.
"""

import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not a text document; the message is meant for the admin."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# Encodings Danish publishing systems actually produce; charset-normalizer
# chooses among them when the bytes are not valid UTF-8.
_WESTERN = ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850", "utf_16", "utf_32"]


def decode(data: bytes) -> Decoded:
    if not data.strip():
        raise DecodeError("filen er tom; eksportér referatet igen")
    if data.startswith(b"\xef\xbb\xbf"):
        return Decoded(data[3:].decode("utf-8", errors="strict"), "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"), "utf-16")
    if b"\x00" in data:
        raise DecodeError("filen er binær (indeholder NUL-bytes), ikke tekst; gem referatet som .txt")
    try:
        text = data.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError:
        encoding, text = _most_danish(data)
    if _control_ratio(text) > 0.05:
        raise DecodeError("filen ligner ikke tekst (for mange kontroltegn); gem referatet som .txt")
    warnings = []
    if encoding not in ("utf-8", "ascii"):
        warnings.append(f"tegnsæt {encoding} (ikke UTF-8) blev genkendt og omsat")
    return Decoded(text, encoding, warnings)


_DANISH = re.compile(r"[æøåÆØÅéÉüÜöÖäÄ]")
_UNLIKELY = re.compile(r"[\x80-\x9f¦µ‗±÷¤¬\u2500-\u257f]")


def _most_danish(data: bytes) -> tuple[str, str]:
    """On short texts several code pages fit; the one that spells Danish letters wins
    (æ is 0xE6 in Windows-1252 but µ in the DOS code page 850). Where charset-normalizer finds
    no code page (it takes many soft hyphens for noise), Windows-1252 or Latin-9 still do when
    they spell Danish."""
    best = from_bytes(data, cp_isolation=_WESTERN).best()
    candidates = [(best.encoding, str(best))] if best is not None else []
    for encoding in ("cp1252", "iso8859_15"):
        try:
            candidates.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    scored = [(_danish_score(text), encoding, text) for encoding, text in candidates]
    score, encoding, text = max(scored, key=lambda found: found[0], default=(0, "", ""))
    if best is None and score <= 0:
        raise DecodeError("tegnsættet kan ikke genkendes; gem referatet som UTF-8")
    return encoding, text


def _danish_score(text: str) -> int:
    return len(_DANISH.findall(text)) - 3 * len(_UNLIKELY.findall(text))


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # control characters other than line breaks and tabs


def _control_ratio(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text) if text else 0.0


_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def reading_lines(text: str) -> list[str]:
    """Lines for the readers: any line ending, no-break and odd spaces as plain spaces,
    invisible characters dropped, trailing spaces cut; a form feed starts the line after it. Leading spaces are kept: an
    indented "1. at …" is a list entry, not an item heading."""
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text)).replace("\x0c", "\n\x0c")
    return [line.rstrip() for line in re.split(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x85", text)]
