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

News writes names short and dates relative to its own (issue 29): a question's month, weekday or day
of the month is mentioned when the article's published date gives it ("in February 2016" of an
article published on 8 February 2016 that says "on Saturday"); a person's first name when the article
names them by surname alone and no one else of that surname by another first name ("Felipe Calderon",
"Calderon told CNBC"); an organisation's "of" words when the article calls it by its head ("the Bank"
for "the Bank of England"); an ampersand name by its initials ("M&S", "Marks & Spencer"); and the
short forms of well-known names both ways ("GOP" and "Republican").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from rapidfuzz.distance import OSA

from qa.mojibake import repaired

__all__ = ["NUMBER_WORDS", "key_terms", "missing_terms"]

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
_ACRONYM_SKIPS = frozenset("of for and the on in to de &".split())
_SKIP = "|".join(sorted(_ACRONYM_SKIPS))
# A name of two capitalised words or more, small words between them: "Federal Bureau of Investigation".
_CAPITALISED_RUN = re.compile(rf"[A-Z][\w'&\-]*(?:\s+(?:(?:{_SKIP})\s+)*[A-Z][\w'&\-]*)+")
_MONTHS = "january february march april may june july august september october november december".split()
_MONTH_PREFIXES = [month[:3] for month in _MONTHS]  # "jan", ..., "dec": how news abbreviates them
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# A date in a question is of the days before an article's publication: news says "on Saturday".
_DAYS_REPORTED = 7
# Well-known short forms of names in news (AP and BBC style), read both ways.
_SHORT_FORMS = (
    ("gop", "republican"), ("dems", "democrat"), ("tory", "conservative"), ("tories", "conservative"),
    ("uk", "britain"), ("uk", "british"), ("us", "america"), ("fed", "federal reserve"),
    ("eu", "european union"), ("un", "united nations"), ("nhs", "national health service"),
    ("house", "congress"),  # the U.S. House: "a House primary" is "the congressional primary"
)  # fmt: skip
# Words before a surname that are not a first name: titles and offices.
_TITLES = frozenset(
    """mr mrs ms miss dr sir lord lady dame sen senator rep gov governor president vice secretary
    minister chancellor premier judge justice gen general col capt lt sgt adm admiral prof professor mayor
    speaker
    pope king queen prince princess chief former st saint""".split()
)


def key_terms(question: str) -> list[str]:
    """The years, numbers and capitalised names of `question`, in order, without repeats; the first
    word is left out unless it is a number (it is capitalised as a sentence start)."""
    found: list[str] = []
    for match in _TERM.finditer(question):
        word = re.sub(r"['\u2019]s$", "", match.group()).rstrip(".")
        if not word or (match.start() == 0 and not word[0].isdigit()) or word.lower() in _NOT_NAMES:
            continue
        if word.lower() in _TITLES and question[match.end() : match.end() + 1] == ".":
            continue  # a title before a name, "Adm." or "Sen.": the name is the term
        if word not in found:
            found.append(word)
    return found


def missing_terms(question: str, text: str, published: str = "", relative_years: bool = False) -> list[str]:
    """The key terms of `question` that `text` (of an article `published` YYYY-MM-DD, or "") does not
    mention: numbers whole; names by prefix, as an acronym or spelt out, or misspelt by a letter.

    A year counts as missing only when the article places itself in time, by its date or by naming a
    year: "in 2011" is not answered by an article about 2004, but an undated article that names no
    year at all ("the season", "last week") says nothing against it, and an article published in 2011
    is about 2011 when it says "on Tuesday". With `relative_years` (`text` is a passage, not a whole
    article), "last year", "this year" and "next year" give the year they mean by the article's date:
    four casinos "closed last year" in an article of 2015 closed in 2014."""
    shown = key_terms(question)
    question, text = _unaccented(question), _unaccented(text)  # "Gulen" is "Gülen"
    terms = key_terms(question)
    folded = text.lower()
    dated = bool(published) or _YEAR.search(text) is not None
    missing = []
    for i, term in enumerate(terms):
        if _date_given(term, question, published) or _month_abbreviated(term, folded):
            continue
        if term[0].isdigit():
            if _YEAR.fullmatch(term) and (
                not dated
                or published.startswith(term)
                or (relative_years and _relative_year(term, folded, published))
                or _month_of_year(term, question, text, published)
            ):
                continue
            pattern = rf"(?<![\w.,]){re.escape(term.lower())}(?![\w]|[.,]\d)"
            if re.search(pattern, folded) is None and not _number_in_words(term, folded):
                missing.append(shown[i] if len(shown) == len(terms) else term)
            continue
        # a compound of names is mentioned when each name is: "U.S.-Mexico", "Gulen-linked"
        names = [part for part in term.split("-") if part[:1].isupper()] if "-" in term else [term]
        if any(ch.isdigit() for ch in term):  # a code is whole: "AS-836"
            names = [term]
        if not all(_name_mentioned(name, question, text, folded) for name in names or [term]):
            missing.append(shown[i] if len(shown) == len(terms) else term)
    return missing


def _relative_year(year: str, folded: str, published: str) -> bool:
    """Whether the text (lower case) names `year` relative to its date `published` ("last year")."""
    if not _YEAR.match(published[:4]):
        return False
    offset = int(year) - int(published[:4])
    word = {-1: "last", 0: "this", 1: "next"}.get(offset)
    return word is not None and re.search(rf"\b{word} year\b", folded) is not None


def _month_of_year(year: str, question: str, text: str, published: str) -> bool:
    """Whether `text` names, without a year, a month that the question gives with `year` ("in August
    2015"), in an article whose date makes it that year's: the last such month up to the article's
    date ("in August" in an article of April 2016 is August 2015)."""
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return False
    months = "|".join(_MONTHS + _MONTH_PREFIXES + ["sept"])  # "August", "Aug.", "Sept."
    asked = rf"(?i:\b({months})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?{year}\b)"
    for match in re.finditer(asked, question):
        month = _MONTH_PREFIXES.index(match.group(1).lower()[:3]) + 1
        name = _MONTHS[month - 1].capitalize()  # capitalised: "May", not the verb "may"
        # the month, or its abbreviation ("Aug."), with a day or none, but no year after it
        named = rf"\b(?:{name}|{name[:3]}t?\.)(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?(?!,?\s*\d)"
        last = day.year if month <= day.month else day.year - 1
        if last == int(year) and re.search(named, text):
            return True
    return False


def _month_abbreviated(term: str, folded: str) -> bool:
    """Whether `term` is a month that the text (lower case) gives as news abbreviates it: "Jan. 2",
    "Sept. 11", "Aug. 5"."""
    word = term.lower()
    if word not in _MONTHS:
        return False
    return re.search(rf"(?<![\w.]){word[:3]}t?\.", folded) is not None


@lru_cache(maxsize=64)
def _unaccented(text: str) -> str:
    """`text` without accents and with mojibake read back ("GÃ¼len" is "Gülen": `qa.mojibake`), once per
    article, not per term."""
    if text.isascii():
        return text
    text = repaired(text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _date_given(term: str, question: str, published: str) -> bool:
    """Whether the article's date (YYYY-MM-DD) gives `term`: its month, a weekday (of the week before
    it), or a day of the month the question names with its month, in the week before it."""
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return False
    word = term.lower()
    if word in _MONTHS:
        return _MONTHS.index(word) + 1 == day.month
    if word in _WEEKDAYS:
        return True
    if not term.isdigit() or not 1 <= int(term) <= 31:
        return False
    months = "|".join(_MONTHS)
    near = rf"(?i:\b({months})\.?\s+{term}\b(?!,?\d)|(?<![\d,.]){term}(?:st|nd|rd|th)?\s+({months})\b)"
    for match in re.finditer(near, question):
        month = _MONTHS.index((match.group(1) or match.group(2)).lower()) + 1
        try:
            asked = day.replace(month=month, day=int(term))
        except ValueError:
            continue
        if 0 <= (day - asked).days <= _DAYS_REPORTED:
            return True
    return False


def _name_mentioned(name: str, question: str, text: str, folded: str) -> bool:
    key = name.lower().replace(".", "")
    if re.search(rf"(?<!\w){re.escape(key[:_PREFIX])}", _without_dots(folded)):
        return True
    if "&" in name:  # "M&S": "Marks & Spencer", "Marks and Spencer"
        pieces = [p.strip() for p in name.upper().split("&")]
        parts = [rf"{re.escape(p)}[\w'\-]*" for p in pieces]
        if all(pieces) and re.search(r"(?<!\w)" + r"\s+(?:&|and)\s+".join(parts) + r"(?!\w)", text):
            return True
    elif name.isupper() and len(key) >= 2 and re.search(_spelt_out(key.upper()), text):
        return True
    if any(_short_form_in(other, folded) for other in _short_forms(key)):
        return True
    runs = [_trimmed(run) for run in _CAPITALISED_RUN.findall(question)]
    runs = [run for run in runs if name in run.split()]
    if any(_run_short_form(name, run, text) for run in runs):
        return True
    # An acronym of three letters at least: two capitals are as often a person's initials ("AB"),
    # unless dotted ("N.Y." for New York).
    if any(len(a) >= 3 and re.search(rf"(?<![\w.]){a}(?!\w)", text) for a in map(_acronym, runs)):
        return True
    dotted = [r"\.".join(a) + r"\." for a in map(_acronym, runs) if len(a) == 2]
    if any(re.search(rf"(?<![\w.]){d}", text) for d in dotted):
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
# Every number word under a hundred, as words: "three", "nineteen", "ninety".
NUMBER_WORDS = frozenset(_UNITS + _TENS)
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


def _trimmed(run: str) -> str:
    """A capitalised run without the question words it starts with: "Which New York" is New York."""
    words = run.split()
    while len(words) > 1 and words[0].lower() in _NOT_NAMES:
        words = words[1:]
    return " ".join(words)


def _short_forms(key: str) -> list[str]:
    """The well-known other forms of a name (`_SHORT_FORMS`), by its first letters: "republicans"."""
    found = []
    for short, full in _SHORT_FORMS:
        if key == short or (len(key) >= _PREFIX and full.startswith(key[:_PREFIX])):
            found.append(full if key == short else short)
        elif key.startswith(full[:_PREFIX]) and len(full) >= _PREFIX:
            found.append(short)
    return found


def _short_form_in(form: str, folded: str) -> bool:
    if len(form) <= 4:  # a short form whole, dots dropped: "u.k." is "uk", "gop" never "gopher"
        return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", _without_dots(folded)) is not None
    return re.search(rf"(?<!\w){re.escape(form[:_PREFIX])}", folded) is not None


def _run_short_form(name: str, run: str, text: str) -> bool:
    """Whether `text` writes the name `run`, of which `name` is a word, short: by its ampersand
    initials ("M&S" for "Marks & Spencer"), by its head for the words after "of" ("the Bank" for "the
    Bank of England"), or by its last word alone for a person's first name ("Calderon" for "Felipe
    Calderon") when no one else of that surname is named by another first name."""
    words = run.split()
    if "&" in words:
        initials = "&".join(part.strip()[:1] for part in run.split("&"))
        if re.search(rf"(?<!\w){re.escape(initials)}(?!\w)", text):
            return True
    if "of" in words and words.index(name) > words.index("of") > 0:
        head = " ".join(words[: words.index("of")])
        if re.search(rf"\b[Tt]he {re.escape(head)}\b", text):
            return True
    pair = _first_and_surname(name, words)
    if pair is not None:
        surname = pair[1]
        if not re.search(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
            return False
        if re.search(rf"(?<![\w-]){re.escape(surname.lower())}(?![\w-])", text):
            return False  # a word, not a surname: "Consul", "House"
        for match in re.finditer(rf"(?<![\w-])([A-Z][a-z]+)\s+{re.escape(surname)}(?![\w-])", text):
            other = match.group(1)
            if other in pair or other.lower() in _TITLES:
                continue
            if not re.search(rf"(?<![\w-]){other.lower()}(?![\w-])", text):  # a word, not a name: "But"
                return False  # another first name of the surname ("Bill Clinton" for "Hillary Clinton")
        return True
    return False


def _first_and_surname(name: str, words: list[str]) -> tuple[str, str] | None:
    """`name` and the surname after it when `name` is a person's first name in the run `words`: two
    capitalised words, alone ("Felipe Calderon"), after a title ("Adm. Harry Harris") or beside another
    name ("Bernie Sanders and Tim Canova"), a possessive dropped ("Phyllis Schlafly's")."""
    words = [re.sub(r"['\u2019]s$", "", w) for w in words]
    if name not in words[:-1] or name.isupper():  # an acronym is no first name: "LPGA Tour"
        return None
    at = words.index(name)
    surname = words[at + 1]
    before = words[at - 1].rstrip(".").lower() if at else ""
    after = words[at + 2].lower() if at + 2 < len(words) else ""
    if not surname[:1].isupper() or surname.lower() in _ACRONYM_SKIPS:
        return None
    if (at and before not in _TITLES and before not in _ACRONYM_SKIPS) or (
        after and after not in ("and", "&")
    ):
        return None  # inside a longer name: "New York Times", "Bank of England"
    return name, surname


def _run_misspelt(name: str, run: str, text: str) -> bool:
    """Whether `text` holds the name `run` with `name`, one of its words, misspelt by a letter and the
    others as they stand: "Barak" in "Barak Obama" is Barack Obama's, whatever its length, when
    "Obama" follows it (alone, a short name one letter away is another name: "Iran", "Iraq"). An
    acronym a letter away is another organisation whatever follows it: "LPGA Tour" is not "PGA Tour"."""
    if name.isupper():
        return False
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
