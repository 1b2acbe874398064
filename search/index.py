"""What of an agenda item is indexed, and with which weight.

A  title and the names (canonical and aliases) of the organisations it mentions
B  decisions and recommendations (Indstilling)
C  summary (Sagsresumé, Resume, Beslutningstema)
D  everything else, with the meeting's committee and municipality and the case number
"""

from search.danish import tsvector_literal

RECOMMENDATION = {"indstilling", "indstillinger", "forslag til beslutning", "beslutningsforslag"}
SUMMARY = {"sagsresumé", "sagsresume", "resumé", "resume", "beslutningstema", "sammenfatning", "kort fortalt"}


def document_for(
    *, title: str, sections: list[dict], decisions: list[str], organisation_names: list[str],
    committee: str, municipality: str, case_number: str = "",
) -> str:
    """The tsvector text (search_document) of one item."""
    weight_b, weight_c, weight_d = list(decisions), [], []
    for section in sections:
        heading = section["heading"].casefold()
        if heading in RECOMMENDATION:
            weight_b.append(section["text"])
        elif heading in SUMMARY:
            weight_c.append(section["text"])
        else:
            weight_d += [section["heading"], section["text"]]
    return tsvector_literal([
        (title, "A"),
        (" ".join(organisation_names), "A"),
        ("\n".join(weight_b), "B"),
        ("\n".join(weight_c), "C"),
        ("\n".join([*weight_d, committee, municipality, case_number]), "D"),
    ])


def searchable_text(title: str, sections: list[dict], decisions: list[str]) -> str:
    """The item's readable text, for snippets."""
    return "\n".join([title, *decisions, *(s["text"] for s in sections)])


def reindex(items) -> None:
    """Each item's outcome (its last decision's) and search document computed again from what is
    stored: after an admin changed the item, its decisions, mentions, meeting or committee, or an
    organisation's names. `items` is a queryset of AgendaItems."""
    for item in items.select_related("committee", "municipality"):
        decisions = list(item.decisions.order_by("order"))
        item.outcome = decisions[-1].outcome if decisions else ""
        names = [n for m in item.mentions.select_related("organisation") for n in m.organisation.all_names()]
        item.search_document = document_for(
            title=item.title, sections=item.sections, decisions=[d.text for d in decisions],
            organisation_names=names, committee=item.committee.name, municipality=item.municipality.name,
            case_number=item.case_number,
        )
        stored = items.model._default_manager.using(items.db).filter(pk=item.pk)
        stored.update(outcome=item.outcome, search_document=item.search_document)
