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
