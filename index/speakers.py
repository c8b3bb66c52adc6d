"""Who a speaker is across the articles of a store: pure functions over names, used by the store's
speakers table (`index.speaker_table`) when quotes are committed and when a typed name is looked up.

A speaker is a person, an organisation or a described source ("a Moscow-based defence analyst",
"Tony Blair's official spokesman"). The rules, across articles:

- a surname-only or title + surname form ("Ms Lomax", "Lomax") is the one full-name person of that
  surname in the store ("Rachel Lomax"); with two or more ("Gordon Brown", "Nick Brown") it joins one
  only when its initial or a role agrees, else it stays a speaker of its own; the fullest name is the
  canonical one;
- full names that differ ("Gordon Brown", "Nick Brown") are never one person, save a name and the one
  fuller form that adds middle initials to it ("John Kerry", "John F. Kerry");
- a possessive or a description holding a name ("Tony Blair's official spokesman") is never that
  person: it is a described source, one speaker per description text;
- a bare role ("Shadow Secretary") is the article's one speaker with that role, else a source;
- roles are what the articles give ("Prime Minister"), never an honorific ("Mr", "Dr"); a described
  source has none (its description says what it is, and a role found beside it is its subject's).

Every person of one surname shares a family (`family`): the identity of each is decided among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from index.models import Quote, Speaker, SpeakerKind

__all__ = [
    "KINDS",
    "NameForm",
    "SpeakerGroup",
    "SpeakerKind",
    "clean_role",
    "family",
    "group_forms",
    "infer_kind",
    "is_partial_name",
    "is_role_only",
    "match_tier",
    "name_words",
    "names_match",
    "prepare_quotes",
    "rank_speakers",
    "search_words",
]

KINDS: tuple[SpeakerKind, ...] = ("person", "organisation", "source")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Honorifics: part of how a person is addressed, never a role (dots removed before lookup).
HONORIFICS = _words("mr mrs ms miss mx dr prof sir dame lady lord rev fr messrs mme mlle")
# Words of titles that stand before a name ("Prime Minister Tony Blair", "Chancellor Brown", "Chief
# Executive Simon Aldridge", "Managing Director Ann Lee").
TITLE_WORDS = _words(
    """
    adm admiral ambassador attorney candidate capt captain chair chairman chairwoman chancellor chief coach
    col colonel commissioner deputy detective director father first former gen general gov governor hon
    inspector judge justice king leader lt maj major marshal mayor minister nominee officer pope premier
    president prime prince princess professor queen rep representative reverend secretary sen senator sgt
    sheikh sheriff speaker spokesman spokesperson spokeswoman vice shadow
    executive managing financial operating
    """
)
# With those, the words of a role that names no one ("Shadow Home Secretary", "the Foreign Minister").
_OFFICE_WORDS = TITLE_WORDS | _words(
    """
    home foreign defence defense interior finance health education trade treasury culture transport
    energy environment state business labour work pensions exchequer affairs junior assistant acting
    executive managing head permanent under attorney-general
    """
)
# Lowercase words that belong inside names ("Ludwig van Beethoven", "Bank of England").
_PARTICLES = _words("van von de da di du del della der den la le bin ibn al el ben dos das y d")
_CONNECTORS = _words("of for and the on in")
_ROLE_ENDS = _CONNECTORS | _words("at to with")  # where the noun of a role has been said
# A name ending or holding one of these is an organisation ("Bank of England", "Labour Party").
_ORGANISATION_WORDS = _words(
    """
    agency agencies alliance army association authority bank board bureau cabinet church club coalition
    college commission committee company corp corporation council court department embassy federation
    forces foundation front fund government group inc institute league ltd ministry movement museum
    navy network news office organisation organization parliament party plc police press reuters
    service society team tribunal union university
    """
)
# What a person is, beside offices and titles: a role's head noun ("Democratic front-runner", "surprise
# populist", "presidential hopeful"); agent endings catch the rest ("striker", "economist", "actress").
_ROLE_NOUNS = _words(
    """
    democrat republican conservative liberal independent libertarian tory socialist hopeful rival ally aide
    chair boss head member expert staff official contender host anchor mogul billionaire millionaire
    veteran victim witness survivor fan mother father wife husband son daughter brother sister friend
    colleague partner owner founder resident citizen student pupil graduate star legend icon critic
    advocate activist lady gentleman executive representative
    """
)
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "ee", "ess", "ive")
_RELATIVES = _words("who whose whom which that from as by against after before since")
_DETERMINERS = _words("his her their its our this that these those other another")
_MAX_ROLE_WORDS = 8
_DATELINE = re.compile(r"\s[-\u2013\u2014]\s")  # "WASHINGTON (Reuters) - ", "S.C. - "
_SUFFIXES = _words("jr sr ii iii iv")
_ARTICLES = _words("the a an")
_PRONOUNS = _words("he she they it him her them his its their we i you")
_POSSESSIVE = re.compile(r"\w['\u2019]s?\b(?!\w)|\w['\u2019](?=\s|$)")
_NOT_WORD = re.compile(r"[^\w\s]")
_TOKEN_EDGE = "\"'\u2018\u2019\u201c\u201d,;:()[]"


@dataclass(frozen=True, slots=True)
class NameForm:
    """One name as the articles of a family give it, with what they say of its bearer."""

    name: str
    kind: SpeakerKind
    roles: frozenset[str] = frozenset()
    mentions: frozenset[str] = frozenset()  # the words at the cue ("Ms Lomax")
    quotes: int = 1


@dataclass(frozen=True, slots=True)
class SpeakerGroup:
    """The forms that name one speaker, its canonical name, aliases and roles."""

    name: str
    kind: SpeakerKind
    forms: tuple[str, ...]
    aliases: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Person:
    titles: tuple[str, ...]  # title words before the name, as written ("Chancellor")
    given: tuple[str, ...]  # normalised (casefolded, dots out)
    surname: str
    shown: str  # the name without its titles, as written
    suffix: str = ""  # "jr", "iii": Donald Trump Jr. is not Donald Trump

    @property
    def lineage(self) -> str:
        """The surname with its suffix: who a name's family member is ("trump jr")."""
        return f"{self.surname} {self.suffix}" if self.suffix else self.surname

    @property
    def full(self) -> bool:
        """A first name, not initials only ("Rachel Lomax", not "R. Lomax" or "Lomax")."""
        return any(len(g) > 1 for g in self.given)


# -- what kind of speaker a name is ----------------------------------------------------------------


def infer_kind(name: str | None, role: str | None = None) -> SpeakerKind | None:
    """The kind of speaker `name` names, from its form (for quotes whose extractor left it None): a
    lowercase start, a possessive, a bare role or lowercase words mark a described source, an
    organisation word (in the name or its `role`: "Wagner", "mercenary group") or an acronym an
    organisation; anything else is a person."""
    name = (name or "").strip()
    if not name:
        return None
    tokens = _tokens(name)
    if not name[0].isupper() or _POSSESSIVE.search(name) or is_role_only(name):
        return "source"
    if any(t[0].islower() and t.lower() not in _PARTICLES | _CONNECTORS for t in tokens):
        return "source"
    words = [_norm(t) for t in tokens]
    if any(w in _ORGANISATION_WORDS for w in [*words, _role_head(role)]) or any(map(_is_acronym, tokens)):
        return "organisation"
    if any(_norm(t) in _CONNECTORS for t in tokens[1:]):
        return "organisation"  # "Friends of the Earth"
    return "person"


def _role_head(role: str | None) -> str:
    """The noun a role is ("group" of "Russian mercenary group", "governor" of "deputy governor of the
    Bank of England")."""
    words = []
    for token in _tokens(role or ""):
        if _norm(token) in _ROLE_ENDS:
            break
        words.append(_norm(token))
    return words[-1] if words else ""


@lru_cache(maxsize=50_000)
def is_role_only(name: str) -> bool:
    """Whether every word of `name` is a role's ("Shadow Secretary", "the Prime Minister")."""
    words = [_norm(t) for t in _tokens(name)]
    words = [w for w in words if w not in _ARTICLES | _CONNECTORS]
    return bool(words) and all(w in _OFFICE_WORDS for w in words)


def clean_role(role: str | None, kind: SpeakerKind | None) -> str | None:
    """The role as the article gives it without honorifics ("Mr" is no role) or a dateline before it
    ("WASHINGTON (Reuters) - U.S. Democratic presidential candidate"); None for a described source,
    whose description says what it is, and for words that name no role ("smiling", "herself", "a
    signal of her broad support", a clause of ten words)."""
    if not role or kind == "source":
        return None
    role = _DATELINE.split(role)[-1]
    tokens = _tokens(role)
    while tokens and _norm(tokens[0]) in HONORIFICS:
        tokens.pop(0)
    if not tokens or len(tokens) > _MAX_ROLE_WORDS or not _names_a_role(tokens):
        return None
    return " ".join(tokens)


def _names_a_role(tokens: Sequence[str]) -> bool:
    """Whether the head noun of a role's words (the last before "of", "who", "at" ..., after any article:
    "the former secretary of State") is an office, a title or a word for what a person is or does."""
    words = [_norm(t) for t in tokens]
    while words and words[0] in _ARTICLES | _DETERMINERS:
        words.pop(0)
    head = []
    for word in words:
        if word in _ROLE_ENDS | _RELATIVES:
            break
        head.append(word)
    if not head:
        return False
    last = _singular(head[-1].split("-")[-1])  # "then-secretary", "front-runner", "candidates"
    known = _OFFICE_WORDS | _ROLE_NOUNS | _ORGANISATION_WORDS
    if last in known or (tokens[len(head) - 1].isupper() and len(last) <= 4):
        return True  # an office, a party, a kind of person; an acronym ("CEO")
    return len(last) > 4 and last.endswith(_AGENT_ENDINGS)


def _is_acronym(token: str) -> bool:
    return len(token) >= 2 and token.isalpha() and token.isupper()


# -- one article's quotes, before they are stored ---------------------------------------------------


def prepare_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    """`quotes` of one article with each speaker's kind known and roles cleaned; a speaker named only by
    a role ("Shadow Secretary") becomes the article's one person with that role, when there is one."""
    kinds: dict[str, SpeakerKind | None] = {}
    for q in sorted(quotes, key=lambda q: q.role is None):  # a quote with a role tells more
        if q.speaker and q.speaker not in kinds:
            kinds[q.speaker] = q.speaker_kind if q.speaker_kind in KINDS else infer_kind(q.speaker, q.role)
    roles: dict[str, set[str]] = {}
    for q in quotes:
        if q.speaker and q.role and kinds[q.speaker] == "person" and not is_role_only(q.speaker):
            roles.setdefault(q.speaker, set()).add(q.role)
    prepared = []
    for q in quotes:
        name, kind = q.speaker, kinds.get(q.speaker or "")
        if name and is_role_only(name):
            holders = [p for p, held in roles.items() if any(_roles_agree({name}, {r}) for r in held)]
            name, kind = (holders[0], "person") if len(holders) == 1 else (name, "source")
        prepared.append(replace(q, speaker=name, speaker_kind=kind, role=clean_role(q.role, kind)))
    return prepared


# -- families and identity ----------------------------------------------------------------------------


def family(name: str, kind: SpeakerKind) -> str:
    """The key of the speakers among whom `name`'s identity is decided: a person's surname, else the
    normalised text (an organisation without its "the"; a description as written)."""
    if kind == "person" and _is_personal_name(name):
        return f"person:{_parse_person(name).surname}"
    words = [_norm(t) for t in _tokens(name)]
    if kind == "organisation" and len(words) > 1 and words[0] == "the":
        words = words[1:]
    return f"{kind}:{' '.join(words)}"


def group_forms(forms: Sequence[NameForm]) -> list[SpeakerGroup]:
    """The speakers that the name forms of one `family` name (see the module docstring)."""
    if not forms:
        return []
    kind = forms[0].kind
    if kind != "person" or not all(_is_personal_name(f.name) for f in forms):
        return [_group(forms, kind, _fullest(forms))]
    parsed = {f.name: _parse_person(f.name) for f in forms}
    full: dict[tuple[str, ...], list[NameForm]] = {}
    for form in forms:
        person = parsed[form.name]
        if person.full:
            full.setdefault((*person.given, person.lineage), []).append(form)
    _merge_middle_initials(full)
    partial: dict[str, list[NameForm]] = {}
    for form in forms:
        person = parsed[form.name]
        if person.full:
            continue
        joined = _join(form, person, full, parsed)
        if joined is not None:
            full[joined].append(form)
        else:
            partial.setdefault(" ".join((*person.given, person.lineage)), []).append(form)
    return [_group(group, "person", _fullest(group)) for group in [*full.values(), *partial.values()]]


def _merge_middle_initials(full: dict[tuple[str, ...], list[NameForm]]) -> None:
    """A full name joins the one name that adds only middle initials to it ("John Kerry" is "John F.
    Kerry"; "George Bush" joins neither "George H.W. Bush" nor "George W. Bush": those two stay two)."""
    for key in sorted(full, key=len):
        middle = key[1:-1]
        if not _initials(middle):
            continue
        fuller = [
            other
            for other in full
            if len(other) > len(key)
            and (other[0], other[-1]) == (key[0], key[-1])
            and _initials(other[1:-1])
            and set(middle) <= set(other[1:-1])
        ]
        if len(fuller) == 1:
            full[fuller[0]].extend(full.pop(key))


def _initials(given: Sequence[str]) -> bool:
    """Whether every given name is an initial or two ("f", "hw": dots are out)."""
    return all(len(g) <= 2 for g in given)


def _join(
    form: NameForm,
    person: _Person,
    full: dict[tuple[str, ...], list[NameForm]],
    parsed: dict[str, _Person],
) -> tuple[str, ...] | None:
    """The full name a partial form ("Lomax", "G. Brown") joins: the one that fits its initials, else
    the one whose roles agree with it; None when none or several fit."""
    fitting = [
        key
        for key in full
        if key[-1] == person.lineage
        and (not person.given or (key[0][:1] == person.given[0][:1] and len(key) > 1))
    ]
    if len(fitting) > 1:
        own = set(form.roles) | ({" ".join(person.titles)} if person.titles else set())
        fitting = [
            key
            for key in fitting
            if _roles_agree(own, {r for f in full[key] for r in f.roles} | _titles_of(full[key], parsed))
        ]
    return fitting[0] if len(fitting) == 1 else None


def _titles_of(forms: Sequence[NameForm], parsed: dict[str, _Person]) -> set[str]:
    return {" ".join(parsed[f.name].titles) for f in forms if parsed[f.name].titles}


def _roles_agree(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether a role of one side is (the words of) a role of the other ("Chancellor" and "Chancellor
    of the Exchequer")."""
    a = [w for w in (_role_words(r) for r in ours) if w]
    b = [w for w in (_role_words(r) for r in theirs) if w]
    return any(x <= y or y <= x for x in a for y in b)


def _role_words(role: str) -> frozenset[str]:
    return frozenset(_norm(t) for t in _tokens(role)) - _ARTICLES - HONORIFICS - {"former"}


def _fullest(forms: Sequence[NameForm]) -> NameForm:
    """The form whose name has the most words (without titles), then the most quoted."""

    def fullness(form: NameForm) -> tuple[bool, int]:
        if form.kind == "person" and _is_personal_name(form.name):
            person = _parse_person(form.name)
            return person.full, len(person.given) + 1
        return True, len(_tokens(form.name))

    return sorted(forms, key=lambda f: (tuple(-x for x in fullness(f)), -f.quotes, f.name))[0]


def _group(forms: Sequence[NameForm], kind: SpeakerKind, fullest: NameForm) -> SpeakerGroup:
    if kind == "person" and _is_personal_name(fullest.name):
        name = _parse_person(fullest.name).shown
    elif (
        kind == "organisation"
        and fullest.name.lower().startswith("the ")
        and fullest.name[4:].strip()[:1].isupper()
        and len(_tokens(fullest.name)) > 1
    ):
        name = fullest.name[4:].strip()  # "the Kremlin" is Kremlin; "the defence ministry" keeps its "the"
    else:
        name = " ".join(fullest.name.split())
    aliases = {name.casefold(): name}
    for form in sorted(forms, key=lambda f: (-f.quotes, f.name)):
        for alias in (form.name, *sorted(form.mentions)):
            if alias == form.name or _names_form(alias, form, kind):
                aliases.setdefault(" ".join(alias.split()).casefold(), " ".join(alias.split()))
    roles: dict[str, str] = {}
    if kind != "source":
        for form in sorted(forms, key=lambda f: (-f.quotes, f.name)):
            titles = (
                _parse_person(form.name).titles if kind == "person" and _is_personal_name(form.name) else ()
            )
            named = {" ".join(titles)} if titles else set()
            for role in sorted(form.roles) + sorted(named):
                roles.setdefault(role.casefold(), role)
    return SpeakerGroup(
        name, kind, tuple(f.name for f in forms), tuple(aliases.values()), tuple(roles.values())
    )


def _names_form(mention: str, form: NameForm, kind: SpeakerKind) -> bool:
    """Whether the words at the cue are a name form of the speaker: its name with honorifics at most
    ("Ms Lomax" for "Rachel Lomax"; not "he", not "Prime Minister Tony Blair")."""
    if not mention or not mention[0].isupper() or mention.lower() in _PRONOUNS:
        return False
    if kind != "person":
        return family(mention, kind) == family(form.name, kind)
    tokens = _tokens(mention)
    while len(tokens) > 1 and _norm(tokens[0]) in HONORIFICS:
        tokens.pop(0)
    if not _is_personal_name(" ".join(tokens)) or any(_norm(t) in TITLE_WORDS for t in tokens[:-1]):
        return False
    known = {_norm(t) for t in _tokens(_parse_person(form.name).shown)}
    return bool(tokens) and {_norm(t) for t in tokens} <= known


@lru_cache(maxsize=50_000)
def _is_personal_name(name: str) -> bool:
    """A name, not a description: capitalised words (name particles and initials allowed), no
    possessive, not a bare role."""
    tokens = _tokens(name)
    if not tokens or _POSSESSIVE.search(name) or is_role_only(name):
        return False
    return all(t[0].isupper() or t.lower() in _PARTICLES for t in tokens) and tokens[-1][0].isupper()


@lru_cache(maxsize=50_000)  # the names of a family are parsed at each of its commits
def _parse_person(name: str) -> _Person:
    tokens = _tokens(name)
    suffixes: list[str] = []
    while len(tokens) > 1 and _norm(tokens[-1]) in _SUFFIXES:
        suffixes.insert(0, tokens.pop())
    titles: list[str] = []
    while len(tokens) > 1 and _norm(tokens[0]) in HONORIFICS | TITLE_WORDS:
        token = tokens.pop(0)
        if _norm(token) not in HONORIFICS:
            titles.append(token)
    given = tuple(_norm(t) for t in tokens[:-1] if t.lower() not in _PARTICLES)
    suffix = " ".join(_norm(t) for t in suffixes)
    return _Person(tuple(titles), given, _norm(tokens[-1]), " ".join(tokens + suffixes), suffix)


def _tokens(text: str) -> list[str]:
    return [t for t in (w.strip(_TOKEN_EDGE) for w in text.split()) if t]


def _norm(token: str) -> str:
    return token.casefold().replace(".", "").strip(_TOKEN_EDGE)


# -- a typed name against the speakers ------------------------------------------------------------------


def name_words(text: str) -> list[str]:
    """The words of a typed or stored name: lower case, possessives and punctuation out, "the" dropped,
    leading honorifics and role words dropped ("Mr. Peskov" -> ["peskov"])."""
    words = _NOT_WORD.sub(" ", text.lower().replace("\u2019s", "").replace("'s", "")).split()
    words = [w for w in words if w != "the"]
    while len(words) > 1 and words[0] in HONORIFICS | TITLE_WORDS:
        words.pop(0)
    return words


def is_partial_name(name: str) -> bool:
    """A surname with honorifics, titles or initials at most ("Brown", "Mr Brown", "G. Brown"): it may
    mean any person of that surname."""
    words = name_words(name)
    return bool(words) and all(len(w) == 1 for w in words[:-1])


def names_match(asked: str, known: str | None) -> bool:
    """Whether the typed name `asked` names the speaker called `known`: equal or contained words, or the
    same surname; case-insensitive. "Peskov", "Dmitry Peskov" and "Mr. Peskov" match "Dmitry
    Peskov"; "Anna Peskov" and a pronoun match nothing. A description asked ("Tony Blair's spokesman")
    matches only names holding all its words, never the person it names."""
    if not known:
        return False
    a, k = name_words(asked), name_words(known)
    if not a or not k or set(a) <= _PRONOUNS:
        return False
    # Singular forms, so that "the doctor" finds "one of the few remaining doctors".
    a, k = [_singular(w) for w in a], [_singular(w) for w in k]
    if set(a) <= set(k):
        return True
    if _describes(asked) or _describes(known):
        return False
    if set(k) <= set(a):
        return True
    # The same surname names the same person unless both give first names that differ: "Ms Lomax" and
    # "R. Lomax" are Rachel Lomax; "Jonathan Lomax" is not.
    return a[-1] == k[-1] and (
        len(a) == 1 or len(k) == 1 or _initial_fits(a[0].rstrip("."), k[0].rstrip("."))
    )


def _describes(text: str) -> bool:
    """Whether a name is a description rather than a name: a possessive, a bare role, or (when it has
    capitals at all, which a typed name may not) a lowercase word other than a name particle."""
    tokens = _tokens(text)
    if _POSSESSIVE.search(text) or is_role_only(text):
        return True
    lower = _PARTICLES | _CONNECTORS
    return any(c.isupper() for c in text) and any(t[0].islower() and t.lower() not in lower for t in tokens)


def _initial_fits(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _singular(word: str) -> str:
    """A plural's singular ("doctors" -> "doctor", "agencies" -> "agency"); other words unchanged."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def search_words(name: str) -> list[str]:
    """Words that a speaker matching `name` must hold (in its name, an alias or a role), for a search by
    substring ahead of `match_tier`: in the singular, a final "y" left out ("the agency" finds "two
    agencies"); a first letter beyond ASCII left out (SQLite's LIKE folds ASCII case only)."""
    words = [_singular(w) for w in name_words(name)]
    words = [w[:-1] if len(w) > 3 and w.endswith("y") else w for w in words if len(w) > 1]
    return [w[1:] if not w[:1].isascii() and len(w) > 2 else w for w in words]


def match_tier(asked: str, speaker: Speaker) -> int | None:
    """How well the typed name `asked` fits `speaker`, best 0: a person or organisation it names (0),
    one whose role it names ("the Kremlin spokesman", 1), a source whose description holds it (2);
    None when it does not fit."""
    # A surname-only alias ("Mr Brown") is matched exactly, never as words: "Jane Brown" is not it.
    names = [speaker.name, *(a for a in speaker.aliases if not is_partial_name(a))]
    if any(names_match(asked, n) for n in names):
        return 2 if speaker.kind == "source" else 0
    wanted = _plain_words(asked)
    if wanted and any(wanted <= _plain_words(role) for role in speaker.roles):
        return 1
    return None


def _plain_words(text: str) -> set[str]:
    return {_singular(w) for w in _NOT_WORD.sub(" ", text.lower()).split()} - _ARTICLES


def rank_speakers(asked: str, speakers: Iterable[Speaker]) -> list[Speaker]:
    """The speakers `asked` fits, best first: by `match_tier`, then those whose name has just the
    words asked, then the most quoted ("Tony Blair" before "Tony Blair's official spokesman")."""
    words = set(name_words(asked))
    ranked = []
    for speaker in speakers:
        tier = match_tier(asked, speaker)
        if tier is not None:
            same = set(name_words(speaker.name)) == words
            ranked.append(((tier, not same, -speaker.quotes, speaker.name), speaker))
    ranked.sort(key=lambda pair: pair[0])
    return [speaker for _, speaker in ranked]
