"""Key terms of a question that an answering article must mention: years, numbers and names.

A question about "the 2011 earthquake", "Verizon" or "Brexit" is not answered by an article that
never mentions 2011, Verizon or Brexit, however close its sentences read: the reader sees one sentence
and its neighbour, so an article about the 2004 tsunami can look like an answer. A missing term does
not decide alone (questions misspell names, "Indian" asks about India); `qa.answering.reader.decide` asks
for a more confident reading when one is missing (docs/reader.md).

A name counts as mentioned when the text holds it by its first letters ("German" for "Germany"), as
an acronym of it or spelt out ("the US" and "the U.S.", "AAA" and "the American Automobile
Association", "the Federal Bureau of Investigation" and "the FBI"), or misspelt by one letter when
it is long enough not to be another name by it ("Bedigo" for "Bendigo"; never "Iran" for "Iraq") or
when the other words of its name stand beside it ("Barak Obama"), or split in two ("Homo sapiens"
for "Homosapiens"). A number under 100 counts as mentioned when spelt out ("three", "twenty-seven").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

__all__ = ["key_terms", "missing_terms"]

_TERM = re.compile(r"(?<![\w'])(?:[A-Z][\w'&.\-]*[\w]|[A-Z]|\d[\d,.]*\d|\d)(?![\w])")
# Capitalised words a question starts clauses with or that name no particular thing.
_NOT_NAMES = frozenset(
    """what who whom whose when where which why how in on the a an of did does do is was were are by for
    to at as after before during from with i if and or but according since until under over about""".split()
)
_PREFIX = 5  # "Germany" / "German", "Romans" / "Roman": a name is found by its first five letters
_YEAR = re.compile(r"(?<!\d)(?:1[0-9]\d\d|20\d\d)(?!\d)")
_MISSPELT_FROM = 6  # letters from which a name one edit away is the same name misspelt ("Bedigo")
# Small words an organisation's acronym skips: "FBI", the Federal Bureau of Investigation.
_ACRONYM_SKIPS = frozenset("of for and the on in to de".split())
_SKIP = "|".join(sorted(_ACRONYM_SKIPS))
# A name of two capitalised words or more, small words between them: "Federal Bureau of Investigation".
_CAPITALISED_RUN = re.compile(rf"[A-Z][\w'\-]*(?:\s+(?:(?:{_SKIP})\s+)*[A-Z][\w'\-]*)+")


def key_terms(question: str) -> list[str]:
    """The years, numbers and capitalised names of `question`, in order, without repeats; the first
    word is left out unless it is a number (it is capitalised as a sentence start)."""
    found: list[str] = []
    for match in _TERM.finditer(question):
        word = re.sub(r"['\u2019]s$", "", match.group()).rstrip(".")
        if not word or (match.start() == 0 and not word[0].isdigit()) or word.lower() in _NOT_NAMES:
            continue
        if word not in found:
            found.append(word)
    return found


def missing_terms(question: str, text: str, published: str = "") -> list[str]:
    """The key terms of `question` that `text` (of an article `published` YYYY-MM-DD, or "") does not
    mention: numbers whole; names by prefix, as an acronym or spelt out, or misspelt by a letter.

    A year counts as missing only when the article places itself in time, by its date or by naming a
    year: "in 2011" is not answered by an article about 2004, but an undated article that names no
    year at all ("the season", "last week") says nothing against it, and an article published in 2011
    is about 2011 when it says "on Tuesday"."""
    folded = text.lower()
    dated = bool(published) or _YEAR.search(text) is not None
    missing = []
    for term in key_terms(question):
        if term[0].isdigit():
            if _YEAR.fullmatch(term) and (not dated or published.startswith(term)):
                continue
            pattern = rf"(?<![\w.,]){re.escape(term.lower())}(?![\w]|[.,]\d)"
            if re.search(pattern, folded) is None and not _number_in_words(term, folded):
                missing.append(term)
        elif not _name_mentioned(term, question, text, folded):
            missing.append(term)
    return missing


def _name_mentioned(name: str, question: str, text: str, folded: str) -> bool:
    key = name.lower().replace(".", "")
    if re.search(rf"(?<!\w){re.escape(key[:_PREFIX])}", _without_dots(folded)):
        return True
    if name.isupper() and len(key) >= 2 and re.search(_spelt_out(key.upper()), text):
        return True
    runs = [run for run in _CAPITALISED_RUN.findall(question) if name in run.split()]
    # An acronym of three letters at least: two capitals are as often a person's initials ("AB").
    if any(len(a) >= 3 and re.search(rf"(?<![\w.]){a}(?!\w)", text) for a in map(_acronym, runs)):
        return True
    if any(_run_misspelt(name, run, text) for run in runs):
        return True
    if len(key) >= _MISSPELT_FROM and key.isalpha():
        split = r"[\s\-]?".join(key)  # "Homosapiens": "Homo sapiens"
        if re.search(rf"(?<!\w){split}(?!\w)", folded):
            return True
        words = _words(folded)
        return any(
            abs(len(word) - len(key)) <= 1 and OSA.distance(key, word, score_cutoff=1) <= 1 for word in words
        )
    return False


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen \
sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# "thirty" is not "thirty-one" nor "thirty one"
_NOT_A_TENS_PREFIX = rf"(?![\w\-]|\s(?:{'|'.join(_UNITS[1:10])})\b)"


def _number_in_words(term: str, folded: str) -> bool:
    """Whether a whole number under 100 stands in `folded` spelt out: "3" as "three", "27" as
    "twenty-seven" (news style spells out the small ones)."""
    if not term.isdigit() or int(term) >= 100:
        return False
    n = int(term)
    if n < 20:
        words = _UNITS[n]
    elif n % 10 == 0:
        words = _TENS[n // 10 - 2]
    else:
        words = rf"{_TENS[n // 10 - 2]}[\s\-]{_UNITS[n % 10]}"
    return re.search(rf"(?<![\w\-]){words}{_NOT_A_TENS_PREFIX}", folded) is not None


def _run_misspelt(name: str, run: str, text: str) -> bool:
    """Whether `text` holds the name `run` with `name`, one of its words, misspelt by a letter and the
    others as they stand: "Barak" in "Barak Obama" is Barack Obama's, whatever its length, when
    "Obama" follows it (alone, a short name one letter away is another name: "Iran", "Iraq")."""
    words = run.split()
    while words and words[0].lower() in _ACRONYM_SKIPS:
        words = words[1:]
    while words and words[-1].lower() in _ACRONYM_SKIPS:
        words = words[:-1]
    if name not in words or sum(w.lower() not in _ACRONYM_SKIPS for w in words) < 2:
        return False
    at = words.index(name)
    parts = [r"([^\W\d_]+)" if i == at else re.escape(w) for i, w in enumerate(words)]
    pattern = r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"
    return any(
        OSA.distance(name.lower(), m.group(1).lower(), score_cutoff=1) <= 1
        for m in re.finditer(pattern, text, flags=re.IGNORECASE)
    )


def _acronym(run: str) -> str:
    """The initials of a name's words, small words skipped: "FBI" for "Federal Bureau of Investigation"."""
    return "".join(word[0] for word in run.split() if word.lower() not in _ACRONYM_SKIPS)


def _spelt_out(acronym: str) -> str:
    """A pattern for capitalised words whose initials spell `acronym` ("AAA": "American Automobile
    Association"), with the small words an acronym skips between them."""
    words = [rf"{letter}[\w'\-]*" for letter in acronym]
    return r"(?<!\w)" + rf"\s+(?:(?:{_SKIP})\s+)*".join(words) + r"(?!\w)"


@lru_cache(maxsize=64)
def _without_dots(folded: str) -> str:
    """`folded` with its dots dropped, so "u.s." reads "us" (once per article, not per term)."""
    return folded.replace(".", "")


@lru_cache(maxsize=64)
def _words(folded: str) -> frozenset[str]:
    return frozenset(re.findall(r"[^\W\d_]+", folded))
