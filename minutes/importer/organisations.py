"""Find partner organisations in item text: registered names and aliases, and candidates.

Names are matched word by word against a dictionary of the registry's names, so
the cost does not grow with the size of the registry. Abbreviations ("DSI",
"KL", "STAR") match only in capitals, so "kl. 15" is no Kommunernes
Landsforening; full names match in any case and with a genitive s
("Ankestyrelsens"). Text is matched after look-alike letters are folded.
"""

import re
from dataclasses import dataclass

from minutes.importer.extract import Sentences
from search.lookalikes import fold_lookalikes

_TOKEN = re.compile(r"[^\W_]+(?:[-'’.&][^\W_]+)*[-.]?|&")
_SPLIT = re.compile(f"({_TOKEN.pattern})")  # split by it: the text between words, and each word
_GENITIVE = re.compile(r"(?:'s|’s|s)$")


def _is_abbreviation(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(name) <= 6 and bool(letters) and all(ch.isupper() for ch in letters)


def _words(text: str) -> tuple[str, ...]:
    return tuple(m.group().rstrip(".") or m.group() for m in _TOKEN.finditer(text))


@dataclass
class Found:
    name: str  # canonical name, or the candidate as written
    sentence: str


# Words that end an organisation's name, and words after which a name follows. Each pattern
# below needs one of its literals in the text: a text without any is not searched with it.
_ORG_HEADS = ("Fonden", "Fond", "Foreningen", "Forening", "Forbundet", "Forbund", "Styrelsen", "Selskabet",
              "Sammenslutningen", "Akademiet", "A/S", "ApS", "I/S")
_CUES = ("samarbejde med", "samarbejdet med", "aftale med", "partnerskab med", "organisationen", "virksomheden",
         "socialøkonomisk virksomhed", "socialøkonomiske virksomhed", "foreningen", "leverandøren")
_CAP = r"[A-ZÆØÅ][\wæøåÆØÅ&'-]*"
_CANDIDATE_PATTERNS = [  # (pattern, literals one of which it needs, or None)
    # "Foreningen Ungekraft", "Sammenslutning af Unge Med Handicap", "Det Lokale Arbejdsmarkedsråd"
    (re.compile(
        r"\b(?:Foreningen|Landsforeningen|Fonden|Sammenslutning(?:en)? af|Styrelsen for|Selskabet for|Rådet for|"
        rf"Institut(?:tet)? for|Dansk|Danske|Det|Den)[ \t]+{_CAP}"
        rf"(?:[ \t]+(?:og|for|af|med|i)[ \t]+{_CAP}|[ \t]+{_CAP})*"
    ), None),
    # "Novo Nordisk Fonden", "Egmont Fonden", "Dansk Blindesamfund A/S"
    (re.compile(rf"\b{_CAP}(?:[ \t]+{_CAP}){{0,3}}[ \t]+(?:{'|'.join(map(re.escape, _ORG_HEADS))})(?![\wæøå])"),
     _ORG_HEADS),
    # After a cue: "samarbejde med Code of Care", "den socialøkonomiske virksomhed Zendoo"
    (re.compile(
        rf"(?:{'|'.join(map(re.escape, _CUES))})[ \t]+[\"“”»]?"
        rf"(?P<name>{_CAP}(?:[ \t]+(?:of|og|for|af)[ \t]+{_CAP}|[ \t]+{_CAP})*)"
    ), _CUES),
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
        self._exact: dict[tuple[str, ...], str] = {}
        self._folded: dict[tuple[str, ...], str] = {}
        for canonical, aliases in registry:
            for name in (canonical, *aliases):
                words = _words(name)
                if not words:
                    continue
                if _is_abbreviation(name):
                    self._exact[words] = canonical
                else:
                    self._folded[tuple(w.casefold() for w in words)] = canonical
        # For each first word, the lengths of the names that start with it, longest first.
        lengths: dict[str, set[int]] = {}
        for words in [*self._exact, *self._folded]:
            lengths.setdefault(words[0].casefold(), set()).add(len(words))
        for words in [*self._exact, *self._folded]:
            if len(words) == 1:  # a one-word name in the genitive: "Ankestyrelsens", "KL's"
                for suffix in ("s", "'s", "’s"):
                    lengths.setdefault(words[0].casefold() + suffix, set()).add(1)
        self._lengths = {first: sorted(ns, reverse=True) for first, ns in lengths.items()}
        self._ignored = {n.casefold() for n in ignored_names}

    def _lookup(self, words: list[str]) -> str | None:
        """The canonical name `words` spell, also with a genitive s on the last word ("KL's", "Ankestyrelsens")."""
        last = _GENITIVE.sub("", words[-1])
        for exact in (tuple(words), (*words[:-1], last)):
            if exact in self._exact:
                return self._exact[exact]
            folded = tuple(w.casefold() for w in exact)
            if folded in self._folded:
                return self._folded[folded]
        return None

    def _scan(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, canonical name) of every registered name, longest first, left to right."""
        parts = _SPLIT.split(text)  # the text before the first word, the word, the text after it …
        written = parts[1::2]
        words = [w.rstrip(".") or w for w in written]
        folded = [w.casefold() for w in words]
        starts = self._lengths.keys() & set(folded)
        if not starts:
            return []
        hits, next_free, total = [], 0, len(words)
        for i in [n for n, word in enumerate(folded) if word in starts]:
            if i < next_free:
                continue  # inside a name already found
            for n in self._lengths[folded[i]]:
                canonical = self._lookup(words[i:i + n]) if i + n <= total else None
                if canonical:
                    hits.append((i, i + n - 1, canonical))
                    next_free = i + n
                    break
        # Word k starts after parts[:2k + 1]. Positions are counted for the names found only,
        # left to right, each from the one before.
        found, start, counted = [], 0, 0
        for first, last, canonical in hits:
            start += sum(map(len, parts[counted:2 * first + 1]))
            counted = 2 * first + 1
            end = start + sum(map(len, parts[counted:2 * last + 1])) + len(written[last])
            found.append((start, end, canonical))
        return found

    def _canonical(self, written: str) -> str | None:
        words = list(_words(written))
        return self._lookup(words) if words else None

    def find(self, text: str) -> tuple[list[Found], list[Found]]:
        """(registered organisations, candidates) in `text`, each once, with its first sentence."""
        text = fold_lookalikes(text)
        sentence_at = Sentences(text).at  # split only for a text that names something

        organisations: dict[str, Found] = {}
        known = self._scan(text)
        for start, _end, canonical in known:
            organisations.setdefault(canonical, Found(canonical, sentence_at(start)))
        candidates: dict[str, Found] = {}
        for pattern, literals in _CANDIDATE_PATTERNS:
            if literals is not None and not any(literal in text for literal in literals):
                continue
            for match in pattern.finditer(text):
                group = "name" if "name" in pattern.groupindex else 0
                name = match.group(group).strip(" \"”“»")
                start = match.start(group)
                end = start + len(name)
                if any(s < end and start < e for s, e, _ in known):
                    continue
                if (
                    len(name) < 3
                    or _NOT_ORGANISATIONS.search(name)
                    or _GENERIC_DET.match(name)
                    or self._canonical(name)
                    or name.casefold() in self._ignored
                ):
                    continue
                candidates.setdefault(name.casefold(), Found(name, sentence_at(start)))
        return list(organisations.values()), list(candidates.values())
