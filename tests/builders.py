"""Readable test data: a few municipalities' committees, meetings and items."""

import datetime
import hashlib

from committees.models import Committee, Municipality
from minutes.models import AgendaItem, Meeting, SourceDocument


def committee(municipality="Slagelse", name="Erhvervs-, Beskæftigelses- og Uddannelsesudvalget"):
    return Committee.objects.get_or_create(municipality=Municipality.objects.get(name=municipality), name=name)[0]


def source(text="Referat", file_name="referat.txt"):
    digest = hashlib.sha256(f"{file_name}:{text}".encode()).hexdigest()
    return SourceDocument.objects.create(file_name=file_name, sha256=digest, text=text, encoding="utf-8")


def meeting(committee_=None, date=datetime.date(2024, 1, 15), **fields):
    committee_ = committee_ or committee()
    doc = source(file_name=f"{committee_.pk}-{date}.txt")
    return Meeting.objects.create(committee=committee_, date=date, source=doc, **fields)


def item(meeting_=None, number="1", title="Godkendelse af dagsorden", order=None, **fields):
    meeting_ = meeting_ or meeting()
    if order is None:
        order = meeting_.items.count() + 1
    return AgendaItem.objects.create(meeting=meeting_, number=number, order=order, title=title, **fields)
