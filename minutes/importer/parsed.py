"""What a referat says, as plain data: no Django here.

The dry-run JSON is exactly this structure serialised, so what an admin
previews is what gets stored.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class ParsedDecision:
    body: str
    date: datetime.date | None
    text: str
    outcome: str
    absent: list[str] = field(default_factory=list)
    # {"for": SIDE, "against": SIDE, "abstained": SIDE}, each None or {"count": int | None, "who": [...]}
    votes: dict | None = None
    remarks: list[str] = field(default_factory=list)  # reservations and protocol remarks, as printed
    vote_rounds: list[dict] | None = None  # every vote, each with "about", when there is more than one
    substitutes: list[str] = field(default_factory=list)  # who met instead of an absent member
    item_number: str | None = None  # an earlier body's decision: the item's number on that body's agenda

    def to_json(self) -> dict:
        return {
            "body": self.body,
            "date": self.date.isoformat() if self.date else None,
            "text": self.text,
            "outcome": self.outcome,
            "votes": self.votes,
            "remarks": self.remarks,
            "absent": self.absent,
            "vote_rounds": self.vote_rounds,
            "substitutes": self.substitutes,
            "item_number": self.item_number,
        }


@dataclass
class ParsedAmount:
    text: str
    kroner: Decimal
    sentence: str


@dataclass
class ParsedFollowUp:
    sentence: str
    period: str
    due_start: datetime.date
    due_end: datetime.date


@dataclass
class ParsedMention:
    organisation: str
    sentence: str


@dataclass
class ParsedItem:
    number: str | None
    title: str
    item_type: str | None = None
    case_number: str | None = None
    closed: bool = False
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading as printed, text), in order
    decisions: list[ParsedDecision] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)  # label lines such as "Dok.nr."
    mentions: list[ParsedMention] = field(default_factory=list)
    candidates: list[ParsedMention] = field(default_factory=list)
    amounts: list[ParsedAmount] = field(default_factory=list)
    follow_ups: list[ParsedFollowUp] = field(default_factory=list)

    def sections_dict(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for heading, text in self.sections:
            merged[heading] = f"{merged[heading]}\n\n{text}" if heading in merged else text
        return merged

    def full_text(self) -> str:
        parts = [self.title, *(t for _, t in self.sections), *(d.text for d in self.decisions)]
        return "\n\n".join(p for p in parts if p)

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "item_type": self.item_type,
            "case_number": self.case_number,
            "closed": self.closed,
            "sections": self.sections_dict(),
            "section_order": [heading for heading, _ in self.sections],
            "decisions": [d.to_json() for d in self.decisions],
            "organisations": [m.organisation for m in self.mentions],
            "organisation_candidates": [m.organisation for m in self.candidates],
            "amounts": [{"text": a.text, "kroner": str(a.kroner)} for a in self.amounts],
            "follow_ups": [
                {"period": f.period, "due_start": f.due_start.isoformat(), "due_end": f.due_end.isoformat(),
                 "sentence": f.sentence}
                for f in self.follow_ups
            ],
            "metadata": self.metadata,
        }


@dataclass
class ParsedMeeting:
    municipality: str
    committee: str
    date: datetime.date
    kind: str  # referat / dagsorden / notat
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    location: str = ""
    title: str = ""
    participants: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)  # other header fields as printed
    items: list[ParsedItem] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "municipality": self.municipality,
            "committee": self.committee,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "start_time": self.start_time.strftime("%H:%M") if self.start_time else None,
            "end_time": self.end_time.strftime("%H:%M") if self.end_time else None,
            "location": self.location,
            "title": self.title,
            "participants": self.participants,
            "absent": self.absent,
            "header": self.header,
            "items": [item.to_json() for item in self.items],
        }


@dataclass
class ParsedDocument:
    path: str
    status: str = "ok"
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    meeting: ParsedMeeting | None = None
    # Not in the JSON: what the store needs besides the meeting.
    text: str = ""
    encoding: str = ""
    sha256: str = ""
    size: int = 0
    search_documents: list[str] | None = None  # per item, from search.index.document_for
    vocabulary: dict | None = None  # words of the open items, for suggestions
    misread: list[str] = field(default_factory=list)  # the reader's warnings: signs of a misread layout

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "error": self.error,
            "warnings": self.warnings,
            "meeting": self.meeting.to_json() if self.meeting else None,
            "encoding": self.encoding or None,
            "sha256": self.sha256 or None,
        }
