"""A search box query, in web search syntax, as a PostgreSQL tsquery.

    fleksjob kontanthjælp        both words (any inflection, also inside compounds)
    "social investering"         the words next to each other
    fleksjob OR skånejob         either
    -Fredericia                  not this word

Every word becomes the set of its query lexemes (search/danish.py) OR'ed
together. Lexemes are quoted, so nothing a person types can break the tsquery.
"""

import re
from dataclasses import dataclass, field

from search.danish import WORD, query_lexemes

MAX_QUERY_LENGTH = 500
MAX_TERMS = 20
_TOKEN = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<word>\S+)')


@dataclass
class Term:
    words: list[str]  # one word, or a phrase
    negated: bool = False
    lexemes: list[frozenset[str]] = field(default_factory=list)


@dataclass
class ParsedQuery:
    text: str
    clauses: list[list[Term]]  # AND of clauses, each an OR of terms

    @property
    def empty(self) -> bool:
        return not any(term for clause in self.clauses for term in clause if not term.negated)

    def positive_lexemes(self) -> set[str]:
        return {lex for clause in self.clauses for term in clause if not term.negated
                for group in term.lexemes for lex in group}

    @property
    def has_phrase(self) -> bool:
        """A phrase is checked against each candidate's stored vector, not by the index alone."""
        return any(len(term.lexemes) > 1 for clause in self.clauses for term in clause)

    def words(self) -> list[str]:
        return [w for clause in self.clauses for term in clause if not term.negated for w in term.words]

    def tsquery(self, weights: str = "") -> str:
        """The query in tsquery's text form. With `weights` ("A"), every lexeme matches only
        where the vector holds it with one of those weights."""
        parts = []
        for clause in self.clauses:
            alternatives = [_term_query(term, weights) for term in clause]
            parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
        return " & ".join(parts)


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _term_query(term: Term, weights: str = "") -> str:
    suffix = f":{weights}" if weights else ""
    groups = ["(" + " | ".join(_quote(lex) + suffix for lex in sorted(group)) + ")" for group in term.lexemes]
    query = " <-> ".join(groups)
    if len(groups) > 1:
        query = f"({query})"
    return f"!{query}" if term.negated else query


def clean(text: str) -> str:
    """The query as we accept it: no control characters, bounded length."""
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse(text: str) -> ParsedQuery:
    text = clean(text)
    clauses: list[list[Term]] = []
    join_next = False
    terms = 0
    for match in _TOKEN.finditer(text):
        if terms >= MAX_TERMS:
            break
        if match["word"] == "OR" and clauses:
            join_next = True
            continue
        negated = bool(match["neg"])
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        if raw.startswith("-") and match["word"] is not None and len(raw) > 1:
            negated, raw = True, raw[1:]
        words = [w.group().strip("-") for w in WORD.finditer(raw)]
        words = [w for w in words if w]
        if not words:
            continue
        term = Term(words=words, negated=negated, lexemes=[query_lexemes(w) for w in words])
        terms += 1
        if join_next and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    # A query of exclusions only finds nothing useful; treat it as no query.
    if clauses and all(term.negated for clause in clauses for term in clause):
        clauses = []
    return ParsedQuery(text=text, clauses=clauses)
