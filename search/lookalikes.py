"""Letters from other alphabets inside Danish words.

A referat may carry a Cyrillic or Greek letter inside a Danish word
("hjørnестenen": Cyrillic е, с, т), from a keyboard switched to another layout
or from copy-paste. Such a word must still be found as "hjørnestenen". The
stored text is never changed; this folding is applied to what is indexed and
matched.

Some letters can stand for two Latin letters: Cyrillic "с" looks like "c" but
is typed where "s" was meant on a phonetic keyboard; "р" looks like "p" but
sounds like "r". Each mixed-script word is therefore folded every possible way
and the reading that best forms Danish words wins.
"""

import functools
import itertools
import re

# What a letter looks like in Latin script.
_LOOKS_LIKE = {
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q",
    "ԝ": "w", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
# What a letter is typed for on a phonetic keyboard, where that differs from its look.
_SOUNDS_LIKE = {
    "в": "v", "н": "n", "р": "r", "с": "s", "у": "u", "х": "h", "д": "d", "л": "l", "и": "i", "п": "p",
    "г": "g", "б": "b", "з": "z", "ф": "f", "й": "j", "ц": "c",
    "В": "V", "Н": "N", "Р": "R", "С": "S", "У": "U", "Х": "H", "Д": "D", "Л": "L", "И": "I", "П": "P",
    "Г": "G", "Б": "B", "З": "Z", "Ф": "F",
    "η": "n", "ρ": "r", "μ": "m", "λ": "l", "δ": "d", "γ": "g", "σ": "s", "ς": "s", "π": "p", "φ": "f",
}
_FOREIGN = set(_LOOKS_LIKE) | set(_SOUNDS_LIKE)
_FOREIGN_CHAR = re.compile("[" + "".join(sorted(_FOREIGN)) + "]")
_WORD = re.compile(r"\w+")
_LATIN = re.compile(r"[A-Za-zÆØÅæøåÄÖÜäöüÉé]")
MAX_AMBIGUOUS = 6  # 2**6 readings at most per word


@functools.cache
def _danish_words() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list("da", 100_000))


def danish_score(word: str) -> float:
    """How Danish a lower-case word looks: 2 for a known word, 1 for two known parts, else 0."""
    words = _danish_words()
    if word in words:
        return 2.0
    for cut in range(3, len(word) - 2):
        if word[:cut] in words and word[cut:] in words:
            return 1.0
    return 0.0


def _readings(word: str) -> list[str]:
    options = []
    for ch in word:
        if ch in _FOREIGN:
            options.append(list(dict.fromkeys(x for x in (_LOOKS_LIKE.get(ch), _SOUNDS_LIKE.get(ch)) if x)))
        else:
            options.append([ch])
    if sum(len(o) > 1 for o in options) > MAX_AMBIGUOUS:
        return ["".join(o[0] for o in options)]
    return ["".join(combo) for combo in itertools.product(*options)]


def fold_word(word: str) -> str:
    readings = _readings(word)
    if len(readings) == 1:
        return readings[0]
    # max() keeps the first of equals: the look-alike reading when nothing reads as Danish.
    return max(readings, key=lambda reading: danish_score(reading.casefold()))


def fold_lookalikes(text: str) -> str:
    """`text` with every mixed-script word (Latin plus Cyrillic/Greek letters) in Latin letters."""
    if not _FOREIGN_CHAR.search(text):
        return text

    def fix(match: re.Match) -> str:
        word = match.group()
        if _LATIN.search(word) and _FOREIGN_CHAR.search(word):
            return fold_word(word)
        return word

    return _WORD.sub(fix, text)
