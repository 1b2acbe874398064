"""Danish words as the search index sees them.

Each surface word is indexed under several lexemes at the same position:

- the word itself, lower-cased, with look-alike letters folded;
- its lemma (simplemma), so "indsats", "indsatsen" and "indsatser" meet at
  "indsats", and "lønnet"/"lønnede" at "lønne";
- the parts of a compound, found against a Danish lexicon (wordfreq's Danish
  list) with the linking letters -s- and -e- undone: "integrationsindsatsen"
  also gives "integration" and "indsats", "kontanthjælpsmodtagere" gives
  "kontanthjælp", "kontant", "hjælp" and "modtager";
- for a hyphenated word, the joined form and each piece ("Arne-pensionen" is
  also "arnepensionen", "arne" and "pension");
- for a suspended hyphen ("kontanthjælps- og integrationsområdet"), the
  completed compound ("kontanthjælpsområdet").

A query word is looked up as itself or its lemma, never split: "kontanthjælp"
must find "kontanthjælpsmodtagere", not every text with "kontant" and "hjælp".
"""

import functools
import re
from collections import defaultdict

from search.lookalikes import fold_lookalikes

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*-?", re.UNICODE)
MIN_COMPOUND = 7
# Three-letter words that commonly stand in Danish compounds ("fleksjob", "studietur").
SHORT_PARTS = frozenset(
    "job tur sag dag råd lov mål tid hus vej liv løn bil bus fag syn ung år mad vin tog fly kør".split()
)
MAX_PARTS_DEPTH = 3
# simplemma's compact dictionary: the same lemmas from a fraction of the memory per process,
# each lookup slower, which the caches below pay once per word. The
# importer's processes use it (memory); a web process reads the full one (see warm_up).
LOW_MEMORY = True
# Danish function words (the Snowball list): left out where a text is turned into a subject query.
STOPWORDS = frozenset("""
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min havde ham
hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil blev kunne ind når
være dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden hende mine alt
meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan
""".split())


@functools.cache
def known_words() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list("da", 200_000))


# Numbers, case numbers and dates ("317", "27-512345", "2024"): no letter, so their own lemma.
# simplemma answers the same, after trying every split of the word against its dictionary
# (slow); an import meets thousands of new ones, so they are not sent to it.
_LETTERLESS = re.compile(r"[0-9'-]+")


@functools.cache
def lemma(word: str) -> str:
    if _LETTERLESS.fullmatch(word):
        return word
    import simplemma

    return simplemma.lemmatize(word, lang="da", low_memory=LOW_MEMORY).casefold()


@functools.cache
def _is_dictionary_form(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang="da", low_memory=LOW_MEMORY)


def _known(word: str, min_length: int) -> bool:
    if len(word) < min_length:
        return False
    if len(word) == 3:
        return word in SHORT_PARTS
    lexicon = known_words()
    return word in lexicon or (_is_dictionary_form(word) and lemma(word) in lexicon)


def _left_forms(left: str) -> list[str]:
    """A compound's modifier with its linking letter undone first: "integrations" → "integration"."""
    forms = []
    if left.endswith("s") and len(left) > 4:
        forms += [left[:-1], left[:-1] + "e"]
    forms.append(left)
    if left.endswith("e") and len(left) > 4:
        forms.append(left[:-1])
    return forms


@functools.cache
def split_compound(word: str) -> tuple[str, str] | None:
    """(modifier, head) of a compound, or None. Known words split only into long parts."""
    if len(word) < MIN_COMPOUND or not word.isalpha():
        return None
    lexicon = known_words()
    min_part = 5 if (word in lexicon or lemma(word) in lexicon) else 3
    best = None
    for cut in range(min_part, len(word) - min_part + 1):
        left, right = word[:cut], word[cut:]
        if not _known(right, min_part):
            continue
        for form in _left_forms(left):
            if _known(form, min_part) or (len(form) >= MIN_COMPOUND and split_compound(form)):
                score = (min(len(form), len(right)), len(right))
                if best is None or score > best[0]:
                    best = (score, form, right)
                break
    return (best[1], best[2]) if best else None


@functools.cache
def compound_parts(word: str, depth: int = 0) -> frozenset[str]:
    """Every part of a compound, parts of parts included, as lemmas."""
    if depth >= MAX_PARTS_DEPTH:
        return frozenset()
    split = split_compound(word)
    if split is None:
        return frozenset()
    left, right = split
    parts = {left, lemma(left), right, lemma(right)}
    return frozenset(parts) | compound_parts(left, depth + 1) | compound_parts(right, depth + 1)


def warm_up(low_memory: bool = True) -> None:
    """Load the lexicon and the lemma dictionary now: before worker processes fork, so that they
    share it, or when a web process starts, so that its first search does not wait for them.

    A web process meets words it has not analysed in every text it shows a snippet of; with
    `low_memory=False` it reads simplemma's full dictionary (more memory, faster lookups). Both
    give the same lemmas (checked in the tests)."""
    global LOW_MEMORY
    if LOW_MEMORY != low_memory:
        LOW_MEMORY = low_memory
        for cached in (lemma, _is_dictionary_form, split_compound, compound_parts, index_lexemes, query_lexemes):
            cached.cache_clear()
    known_words()
    lemma("indsatsen")
    _is_dictionary_form("indsatsen")


def normalise(word: str) -> str:
    return fold_lookalikes(word).casefold().replace("’", "'")


@functools.lru_cache(maxsize=500_000)
def index_lexemes(word: str) -> frozenset[str]:
    """All lexemes one surface word is indexed under."""
    word = normalise(word).strip("-'")
    if not word:
        return frozenset()
    lexemes = {word, lemma(word)}
    pieces = re.split(r"[-']", word)
    if len(pieces) > 1:
        joined = "".join(pieces)
        lexemes |= {joined, lemma(joined)}
        for piece in pieces:
            if piece:
                lexemes |= {piece, lemma(piece)} | compound_parts(piece) | compound_parts(lemma(piece))
        lexemes |= compound_parts(joined) | compound_parts(lemma(joined))
    else:
        lexemes |= compound_parts(word) | compound_parts(lemma(word))
    return frozenset(lexeme for lexeme in lexemes if lexeme)


@functools.lru_cache(maxsize=100_000)
def query_lexemes(word: str) -> frozenset[str]:
    """The lexemes a query word matches: itself and its lemma (hyphens joined)."""
    word = normalise(word).strip("-'")
    joined = re.sub(r"[-']", "", word)
    return frozenset(w for w in {word, lemma(word), joined, lemma(joined)} if w)


def tokens(text: str) -> list[str]:
    """Words of a text in order; a suspended hyphen is completed from the compound it shares a head with."""
    words = WORD.findall(text)
    if "- " not in text and not text.endswith("-"):
        return words
    for n, word in enumerate(words):
        if word.endswith("-") and len(word) > 2:
            # "kontanthjælps- og integrationsområdet": borrow the head of the next full compound.
            following = next((w for w in words[n + 1:n + 4] if not w.endswith("-") and w.casefold() not in
                              ("og", "eller", "samt")), None)
            split = split_compound(normalise(following)) if following else None
            words[n] = word[:-1] + split[1] if split else word[:-1]
    return words


_ENTRIES: dict[str, tuple[str, ...]] = {}
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_POSITIONS = 256  # positions PostgreSQL keeps per lexeme


@functools.cache
def _labels(weight: str) -> list[str]:
    """Position labels of one weight ("1A", "2A" …): a field's labels are then one slice of a
    list (made on first use: a web process that never writes a vector does not hold them)."""
    return [f"{n}{weight}" for n in range(MAX_POSITION + 1)]


def _entries_of(word: str) -> tuple[str, ...]:
    """The word's lexemes as the start of tsvector text entries ("'indsats':"); PostgreSQL
    refuses lexemes over 2,000 bytes."""
    entries = _ENTRIES.get(word)
    if entries is None:
        if len(_ENTRIES) > 1_000_000:
            _ENTRIES.clear()
        entries = _ENTRIES[word] = tuple(
            "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "':"
            for lexeme in index_lexemes(word) if len(lexeme.encode()) <= 2000
        )
    return entries


def tsvector_literal(fields: list[tuple[str, str]]) -> str:
    """A tsvector in PostgreSQL's text form: every lexeme of a word at that word's position.

    `fields` are (text, weight) pairs; a gap of positions between fields keeps a
    phrase from matching across two fields. A lexeme shared by several words ("indsats" of
    "indsatsen" and "indsatser") gets one entry per word: PostgreSQL merges them, with their
    positions in order, the first MAX_POSITIONS kept.
    """
    # Positions per distinct word (words repeat); words past the last position are left out
    # (zip stops at the end of the labels).
    word_places: defaultdict[str, list[str]] = defaultdict(list)
    position = 1
    for text, weight in fields:
        words = tokens(text)
        for word, label in zip(words, _labels(weight)[position:position + len(words)], strict=False):
            word_places[word].append(label)
        position += len(words) + 10
    entries = []
    for word, places in word_places.items():
        joined = ",".join(places[:MAX_POSITIONS])
        entries += [entry + joined for entry in _entries_of(word)]
    return " ".join(entries)
