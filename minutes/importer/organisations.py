"""Find partner organisations in item text: registered names and aliases, and candidates.

Abbreviations ("DSI", "KL", "STAR") match only in capitals, so "kl. 15" is no
Kommunernes Landsforening; full names match in any case and with a genitive s
("Ankestyrelsens"). Text is matched after look-alike letters are folded.
"""

import re
from dataclasses import dataclass

from minutes.importer.extract import split_sentences
from search.lookalikes import fold_lookalikes


def _is_abbreviation(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(name) <= 6 and bool(letters) and all(ch.isupper() for ch in letters)


def _name_pattern(name: str) -> str:
    words = [re.escape(w) for w in name.split()]
    return r"\s+".join(words)


@dataclass
class Found:
    name: str  # canonical name, or the candidate as written
    sentence: str


_ORG_HEAD = r"(?:Fonden|Fond|Foreningen|Forening|Forbundet|Forbund|Styrelsen|Selskabet|Sammenslutningen|Akademiet)"
_CAP = r"[A-ZÆØÅ][\wæøåÆØÅ&'-]*"
_CANDIDATE_PATTERNS = [
    # "Foreningen Ungekraft", "Sammenslutning af Unge Med Handicap", "Det Lokale Arbejdsmarkedsråd"
    re.compile(
        r"\b(?:Foreningen|Landsforeningen|Fonden|Sammenslutning(?:en)? af|Styrelsen for|Selskabet for|Rådet for|"
        rf"Institut(?:tet)? for|Dansk|Danske|Det|Den)\s+{_CAP}"
        rf"(?:\s+(?:og|for|af|med|i)\s+{_CAP}|\s+{_CAP})*"
    ),
    # "Novo Nordisk Fonden", "Egmont Fonden", "Dansk Blindesamfund A/S"
    re.compile(rf"\b{_CAP}(?:\s+{_CAP}){{0,3}}\s+(?:{_ORG_HEAD}|A/S|ApS|I/S)(?![\wæøå])"),
    # After a cue: "samarbejde med Code of Care", "den socialøkonomiske virksomhed Zendoo"
    re.compile(
        rf"(?:samarbejde med|samarbejdet med|aftale med|partnerskab med|organisationen|virksomheden|"
        r"socialøkonomiske? virksomhed|foreningen|leverandøren)\s+[\"“”»]?"
        rf"(?P<name>{_CAP}(?:\s+(?:of|og|for|af)\s+{_CAP}|\s+{_CAP})*)"
    ),
]
_NOT_ORGANISATIONS = re.compile(
    r"(?:kommunes?|regionskommune|udvalget?s?|byråd(?:et)?s?|kommunalbestyrelsen?s?|jobcent(?:er|ret)|"
    r"forvaltning(?:en)?|administrationen|direktør(?:en)?|folketinget|regeringen)\b",
    re.IGNORECASE,
)
_GENERIC_DET = re.compile(r"^(?:Det|Den|Dansk|Danske)\s+\S+$")


class OrganisationMatcher:
    def __init__(self, registry: list[tuple[str, list[str]]], ignored_names: set[str] = frozenset()):
        """`registry`: (canonical name, aliases) pairs; `ignored_names`: rejected candidates."""
        exact, folded = {}, {}
        for canonical, aliases in registry:
            for name in (canonical, *aliases):
                name = " ".join(name.split())
                if not name:
                    continue
                if _is_abbreviation(name):
                    exact[name] = canonical
                else:
                    folded[name.casefold()] = canonical
        self._exact = exact
        self._folded = folded
        self._ignored = {n.casefold() for n in ignored_names}
        self._pattern = None
        alternatives = []
        for name in sorted(folded, key=len, reverse=True):
            alternatives.append(rf"(?i:{_name_pattern(name)})(?:s|'s|’s)?")
        for name in sorted(exact, key=len, reverse=True):
            alternatives.append(_name_pattern(name))
        if alternatives:
            self._pattern = re.compile(r"(?<![\wæøåÆØÅ])(?:" + "|".join(alternatives) + r")(?![\wæøåÆØÅ])")

    def _canonical(self, written: str) -> str | None:
        written = " ".join(written.split())
        if written in self._exact:
            return self._exact[written]
        key = written.casefold()
        for candidate in (key, re.sub(r"(?:'s|’s|s)$", "", key)):
            if candidate in self._folded:
                return self._folded[candidate]
        return None

    def find(self, text: str) -> tuple[list[Found], list[Found]]:
        """(registered organisations, candidates) in `text`, each once, with its first sentence."""
        organisations: dict[str, Found] = {}
        candidates: dict[str, Found] = {}
        for sentence in split_sentences(fold_lookalikes(text)):
            known_spans = []
            if self._pattern is not None:
                for match in self._pattern.finditer(sentence):
                    canonical = self._canonical(match.group())
                    if canonical:
                        known_spans.append(range(match.start(), match.end()))
                        organisations.setdefault(canonical, Found(canonical, sentence))
            for name in self._candidates(sentence, known_spans):
                candidates.setdefault(name.casefold(), Found(name, sentence))
        return list(organisations.values()), list(candidates.values())

    def _candidates(self, sentence: str, known_spans: list[range]):
        for pattern in _CANDIDATE_PATTERNS:
            for match in pattern.finditer(sentence):
                start = match.start("name") if "name" in pattern.groupindex else match.start()
                name = (match["name"] if "name" in pattern.groupindex else match.group()).strip(" \"”“»")
                if any(start in span or span.start in range(start, start + len(name)) for span in known_spans):
                    continue
                if (
                    len(name) < 3
                    or _NOT_ORGANISATIONS.search(name)
                    or _GENERIC_DET.match(name)
                    or self._canonical(name)
                    or name.casefold() in self._ignored
                ):
                    continue
                yield name
