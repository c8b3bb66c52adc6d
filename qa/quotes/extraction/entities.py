"""Who is who in one article: canonical names, kinds, genders, roles and an ordered list of mentions.

News style introduces a person once in full ("Kremlin spokesman Dmitry Peskov") and then uses the surname
("Peskov"), a title ("Mr. Peskov"), a role ("the spokesman") or a pronoun ("he"). The registry groups
names by surname (persons) or full name (organisations), keeps the role words that came with a name, and
resolves a pronoun to the most recent compatible mention that was a grammatical subject, falling back on
the most recent compatible mention of any kind: a salience ordering after Lappin and Leass (1994) and the
subject preference of Hobbs (1978), reduced to what a small parser gives reliably.

Gender comes from titles, a first-name list and, where neither says, from the pronouns that follow a
sentence naming only that person (the statistics idea of Bergsma and Lin 2006, counted per article).
A pronoun is never resolved against a mention of the other gender; unknown gender matches both.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qa.quotes import lexicon
from qa.quotes.extraction import ranking

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

EntityKind = Literal["person", "org", "group", "unknown"]
Gender = Literal["m", "f"]

# How close before a bare surname a full name must be to decide between two people sharing it.
_JUST_BEFORE = 250
# How many sentences back a pronoun may find its antecedent.
_PRONOUN_REACH = 5
# Salience weights after Lappin and Leass (1994): every mention counts for its sentence's recency, more
# as a main-clause subject, more again as the speaker of a cue; each sentence back halves the weight.
RECENCY_WEIGHT = 100
MAIN_SUBJECT_WEIGHT = 80
EMBEDDED_SUBJECT_WEIGHT = 40
OBJECT_WEIGHT = 30
SPEAKER_WEIGHT = 50
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of an entity outside quote marks: article offsets, sentence number, salience weight."""

    start: int
    end: int
    entity: int
    sentence: int
    weight: int


@dataclass(slots=True)
class _Entity:
    name: str
    fixed_kind: EntityKind | None = None
    label_votes: Counter[str] = field(default_factory=Counter)
    gender_votes: Counter[str] = field(default_factory=Counter)
    role: str | None = None
    forms: set[str] = field(default_factory=set)


class Registry:
    """The entities of one article and the ordered mentions that refer to them."""

    def __init__(self) -> None:
        self._entities: list[_Entity] = []
        self._by_surname: dict[str, list[int]] = {}
        self._by_first: dict[str, list[int]] = {}
        self._by_form: dict[str, int] = {}
        self._by_role_head: dict[str, list[int]] = {}
        self._mentions: list[Mention] = []
        self._starts: list[int] = []

    # -- entities -------------------------------------------------------------------------------------
    def name(self, entity: int) -> str:
        return self._entities[entity].name

    def kind(self, entity: int) -> EntityKind:
        """Person, organisation, group or unknown, from the name's words and the NER labels it got.

        spaCy's small model often tags a bare surname ORG ("Caddell said"), so a one-word name that only
        ORG labels call an organisation stays "unknown" (compatible with any pronoun).
        """
        record = self._entities[entity]
        if record.fixed_kind is not None:
            return record.fixed_kind
        votes = record.label_votes
        person, org, gpe, norp = votes["PERSON"], votes["ORG"] + votes["FAC"], votes["GPE"], votes["NORP"]
        if votes["FIRST_NAME"] or votes["FULL_PERSON_NAME"] or self.gender(entity) is not None:
            return "person"
        if person and person >= org + gpe:
            return "person"
        if gpe > person + org:
            return "org"
        if norp > person + org + gpe:
            return "group"
        if org > person and " " in record.name:
            return "org"
        return "unknown"

    def role(self, entity: int) -> str | None:
        return self._entities[entity].role

    def gender(self, entity: int) -> Gender | None:
        votes = self._entities[entity].gender_votes
        male, female = votes["m"], votes["f"]
        if male > female:
            return "m"
        if female > male:
            return "f"
        return None

    def vote_gender(self, entity: int, gender: Gender, weight: int = 1) -> None:
        self._entities[entity].gender_votes[gender] += weight

    def set_role(self, entity: int, role: str, head: str) -> None:
        """Remember the role words that came with a name ("Kremlin spokesman"); the first one wins."""
        record = self._entities[entity]
        if record.role is None:
            record.role = role
        heads = self._by_role_head.setdefault(head, [])
        if entity not in heads:
            heads.append(entity)

    def person_or_org(
        self,
        words: Sequence[str],
        label: str,
        gender: Gender | None = None,
        role_head: str | None = None,
        offset: int | None = None,
    ) -> int:
        """The entity for a name (titles already stripped), created on first sight.

        A one-word name joins the person whose surname (or, failing that, first name) it is; longer names
        are grouped by surname, so "Donald Trump" and "Donald J. Trump" are one person. When a surname is
        shared ("Michelle Obama", "Barack Obama"), a bare surname's title gender ("Mr. Obama"), role
        ("President Obama") and place (`offset`: the one named last before it) choose among them
        (`_bearer_of`); none of them agreeing, it is someone else, never a name borrowed from another.
        """
        form = " ".join(words)
        key = form.lower()
        entity = None
        if len(words) == 1 and (gender is not None or role_head is not None or offset is not None):
            entity = self._bearer_of(form, gender, role_head, offset)
        if entity is None:
            entity = self._by_form.get(key)
        if entity is None:
            entity = self._find_or_create(words, form, key, label)
        votes = self._entities[entity].label_votes
        votes[label] += 1
        if len(words) > 1 and _looks_like_person_name(words, label):
            votes["FULL_PERSON_NAME"] += 1
        return entity

    def _bearer_of(
        self, form: str, gender: Gender | None, role_head: str | None, offset: int | None
    ) -> int | None:
        """Which of the persons sharing the surname `form` a bare surname names (see `person_or_org`), or
        None to decide as for any name (one person or none has it)."""
        surname = form.lower()
        people = [e for e in dict.fromkeys(self._by_surname.get(surname, [])) if self.kind(e) != "org"]
        people = [e for e in people if " " in self._entities[e].name]
        if not people or (len(people) == 1 and gender is None and role_head is None):
            return None
        agree = [
            e
            for e in people
            if (gender is None or self.gender(e) in (None, gender))
            and (
                role_head is None
                or self._entities[e].role is None
                or e in self._by_role_head.get(role_head, ())
            )
        ]
        if not agree:
            entity = len(self._entities)
            self._entities.append(_Entity(form, forms={surname}))
            self._by_surname.setdefault(surname, []).append(entity)
            if gender is not None:
                self.vote_gender(entity, gender, 3)
            return entity
        if len(agree) == 1 or offset is None:
            return agree[0] if len(agree) == 1 else None
        # Several agree: the one whose full name was given just before ("Nick Brown, the farming
        # minister, also spoke. '...,' Mr Brown said."); further back, the most mentioned decides.
        full = {
            m.entity: m.start
            for m in self._mentions
            if offset - _JUST_BEFORE <= m.start < offset and m.entity in agree and m.end - m.start > len(form)
        }
        return max(full, key=lambda e: full[e]) if full else None

    def _find_or_create(self, words: Sequence[str], form: str, key: str, label: str) -> int:
        last = words[-1].lower()
        lowered = [w.lower().rstrip(".") for w in words]
        org_words = any(w in lexicon.ORG_NAME_WORDS for w in lowered)
        if len(words) == 1 and label != "NORP" and not org_words:
            found = self._by_surname.get(last) or self._by_first.get(last)
            if found:
                return self._remember(key, self._most_mentioned(found))
        if len(words) == 1 and label == "NORP":
            # "Cuban said" after "Mark Cuban": spaCy tags a surname that is also a nationality NORP.
            named = [e for e in self._by_surname.get(last, []) if " " in self._entities[e].name]
            if named:
                return self._remember(key, self._most_mentioned(named))
        if _looks_like_person_name(words, label) and not org_words:
            for entity in self._by_surname.get(last, []):
                if self.kind(entity) != "org" and _same_person(self._entities[entity], words):
                    self._upgrade_name(entity, form)
                    return self._remember(key, entity)
        entity = len(self._entities)
        self._entities.append(_Entity(form, "org" if org_words else None, forms={key}))
        self._by_form[key] = entity
        if (
            not org_words
            and label not in ("GPE", "NORP")
            and (len(words) == 1 or _looks_like_person_name(words, label))
        ):
            self._by_surname.setdefault(last, []).append(entity)
            if len(words) > 1:
                self._by_first.setdefault(words[0].lower(), []).append(entity)
                self._vote_first_name(entity, words[0])
        return entity

    def nominal(self, text: str, head: str, kind: EntityKind) -> int:
        """A speaker known only by a description ("a Moscow-based defense analyst")."""
        key = text.lower()
        if key in self._by_form:
            return self._by_form[key]
        entity = len(self._entities)
        self._entities.append(_Entity(text, kind, forms={key}))
        self._by_form[key] = entity
        self._by_role_head.setdefault(head, []).append(entity)
        return entity

    def known_name(self, word: str) -> int | None:
        """The person a lone capitalised word names, when it is a known surname or name form."""
        lowered = word.lower()
        entity = self._by_form.get(lowered)
        if entity is None:
            found = self._by_surname.get(lowered)
            entity = self._most_mentioned(found) if found else None
        if entity is None or self.kind(entity) not in ("person", "unknown"):
            return None
        return entity

    def named_at(self, start: int, end: int) -> int | None:
        """The entity of the last name mention inside article offsets `start`:`end`, or None."""
        index = bisect.bisect_left(self._starts, start)
        inside = [m for m in self._mentions[index:] if m.start < end and m.end <= end]
        return inside[-1].entity if inside else None

    def is_named(self, entity: int) -> bool:
        """Whether the entity has a name (as opposed to a description)."""
        return self._entities[entity].fixed_kind is None or self._entities[entity].fixed_kind == "org"

    def absorb_single_names(self) -> None:
        """Merge one-word names seen before the full name ("Caddell", tagged ORG) into that person."""
        for entity, record in enumerate(self._entities):
            if " " in record.name or self.kind(entity) == "group":
                continue
            gender = self.gender(entity)
            full = [
                e
                for e in self._by_surname.get(record.name.lower(), [])
                if e != entity
                and " " in self._entities[e].name
                and self.kind(e) == "person"
                and self.gender(e) in (None, gender)
            ]
            if len(full) == 1 and record.name.lower() not in lexicon.ORG_NAME_WORDS:
                self._merge(entity, full[0])

    # -- mentions -------------------------------------------------------------------------------------
    def add_mention(self, mention: Mention) -> None:
        index = bisect.bisect_right(self._starts, mention.start)
        self._starts.insert(index, mention.start)
        self._mentions.insert(index, mention)

    def resolve_pronoun(self, pronoun: str, offset: int, sentence: int) -> int | None:
        """The antecedent of a subject pronoun at `offset` (in sentence `sentence`), or None.

        The compatible entities of the last few sentences are ranked by the fitted weights of
        `qa.quotes.extraction.ranking` where installed, else by salience.
        """
        word = pronoun.lower()
        if word in lexicon.MALE_PRONOUNS:
            kinds: tuple[EntityKind, ...] = ("person", "unknown")
            gender: Gender | None = "m"
        elif word in lexicon.FEMALE_PRONOUNS:
            kinds, gender = ("person", "unknown"), "f"
        elif word == "it":
            kinds, gender = ("org", "unknown"), None
        elif word in ("they", "we"):
            kinds, gender = ("org", "group", "unknown"), None
        else:
            return None
        candidates = self.pronoun_candidates(kinds, gender, offset, sentence)
        trace = ranking.TRACE.get()
        if trace is not None:
            names = tuple(self.name(c.entity) for c in candidates)
            trace.append(ranking.PronounEvent(offset, tuple(candidates), names))
        # While tracing (fitting), the salience rule decides: the events are those of the rule.
        return ranking.best(candidates, ranking.load_weights() if trace is None else None)

    def pronoun_candidates(
        self, kinds: tuple[EntityKind, ...], gender: Gender | None, offset: int, sentence: int
    ) -> list[ranking.Candidate]:
        """The compatible entities of the last few sentences before `offset`, most recent first, with
        the features `ranking.FEATURES` names."""
        index = bisect.bisect_left(self._starts, offset)
        seen: dict[int, list[Mention]] = {}
        for mention in reversed(self._mentions[:index]):
            if sentence - mention.sentence > _PRONOUN_REACH:
                break
            entity = mention.entity
            if entity not in seen:
                kind = self.kind(entity)
                known = self.gender(entity)
                if kind not in kinds or (kind == "unknown" and not self.is_named(entity)):
                    continue
                if gender is not None and known is not None and known != gender:
                    continue
                seen[entity] = []
            seen[entity].append(mention)
        if not seen:
            return []
        speaker_weight = RECENCY_WEIGHT + MAIN_SUBJECT_WEIGHT + SPEAKER_WEIGHT
        last_speaker = next(
            (
                m.entity
                for m in reversed(self._mentions[:index])
                if m.entity in seen and m.weight >= speaker_weight
            ),
            None,
        )
        salience = {
            entity: max(m.weight * 0.5 ** max(0, sentence - m.sentence) for m in mentions)
            for entity, mentions in seen.items()
        }
        top = max(salience, key=lambda e: salience[e])
        candidates: list[ranking.Candidate] = []
        for rank, (entity, mentions) in enumerate(seen.items()):
            back = max(0, sentence - mentions[0].sentence)
            record = self._entities[entity]
            votes = sum(record.label_votes[label] for label in ("PERSON", "ORG", "GPE", "NORP", "FAC"))
            features = (
                salience[entity] / speaker_weight,
                float(entity == top),
                float(rank == 0),
                back / _PRONOUN_REACH,
                float(back == 0),
                float(entity == last_speaker),
                float(any(m.weight >= speaker_weight for m in mentions)),
                float(any(m.weight >= RECENCY_WEIGHT + MAIN_SUBJECT_WEIGHT for m in mentions)),
                math.log1p(len(mentions)),
                float(self.kind(entity) == "person"),
                float(gender is not None and self.gender(entity) == gender),
                float(" " in record.name),
                record.label_votes["PERSON"] / votes if votes else 0.0,
            )
            candidates.append(ranking.Candidate(entity, features))
        return candidates

    def resolve_antecedent(
        self,
        kinds: tuple[EntityKind, ...],
        gender: Gender | None,
        offset: int,
        sentence: int,
        named_only: bool = False,
    ) -> int | None:
        """The most salient compatible entity of the last few sentences before `offset`, or None.

        Ties go to the most recent. A known gender that differs from `gender` rules an entity out.
        """
        best: dict[tuple[int, int], int] = {}  # (entity, sentence) -> strongest mention weight
        index = bisect.bisect_left(self._starts, offset)
        for mention in reversed(self._mentions[:index]):
            distance = sentence - mention.sentence
            if distance > _PRONOUN_REACH:
                break
            entity = mention.entity
            kind = self.kind(entity)
            if kind not in kinds or ((named_only or kind == "unknown") and not self.is_named(entity)):
                continue
            known = self.gender(entity)
            if gender is not None and known is not None and known != gender:
                continue
            key = (entity, mention.sentence)
            best[key] = max(best.get(key, 0), mention.weight)
        # Lappin and Leass count each salience factor once per sentence, hence the max above; across
        # sentences the strongest decayed mention wins (measured better here than their sum).
        salience: dict[int, float] = {}
        for (entity, mention_sentence), weight in best.items():
            salience[entity] = max(
                salience.get(entity, 0.0), weight * 0.5 ** max(0, sentence - mention_sentence)
            )
        if not salience:
            return None
        return max(salience, key=lambda e: salience[e])

    def resolve_role(self, head: str, offset: int) -> int | None:
        """The most recent entity introduced with role head `head` ("spokesman") before `offset`."""
        candidates = set(self._by_role_head.get(head, []))
        if not candidates:
            return None
        index = bisect.bisect_left(self._starts, offset)
        for mention in reversed(self._mentions[:index]):
            if mention.entity in candidates:
                return mention.entity
        return None

    # -- internals ------------------------------------------------------------------------------------
    def _remember(self, key: str, entity: int) -> int:
        self._by_form[key] = entity
        self._entities[entity].forms.add(key)
        return entity

    def _most_mentioned(self, entities: list[int]) -> int:
        counts = Counter(m.entity for m in self._mentions)
        return max(entities, key=lambda e: (counts[e], -e))

    def _upgrade_name(self, entity: int, form: str) -> None:
        # Keep the first full form ("Donald Trump"), but prefer any full form over a bare surname.
        if " " not in self._entities[entity].name:
            self._entities[entity].name = form

    def _vote_first_name(self, entity: int, first: str) -> None:
        lowered = first.lower()
        if lowered in lexicon.MALE_FIRST_NAMES:
            self.vote_gender(entity, "m", 3)
            self._entities[entity].label_votes["FIRST_NAME"] += 1
        elif lowered in lexicon.FEMALE_FIRST_NAMES:
            self.vote_gender(entity, "f", 3)
            self._entities[entity].label_votes["FIRST_NAME"] += 1

    def _merge(self, source: int, target: int) -> None:
        self._entities[target].gender_votes.update(self._entities[source].gender_votes)
        self._entities[target].label_votes.update(self._entities[source].label_votes)
        for key in self._entities[source].forms:
            self._by_form[key] = target
        self._entities[target].forms |= self._entities[source].forms
        if self._entities[target].role is None:
            self._entities[target].role = self._entities[source].role
        self._mentions = [
            Mention(m.start, m.end, target, m.sentence, m.weight) if m.entity == source else m
            for m in self._mentions
        ]
        self._entities[source] = self._entities[target]
        for heads in self._by_role_head.values():
            if source in heads:
                heads[heads.index(source)] = target


def _looks_like_person_name(words: Sequence[str], label: str) -> bool:
    """A multi-word person name: tagged PERSON or with a known first name, capitalised, at most four words.

    ("Gold Star Mom Corners Obama" is a headline, not a name.)
    """
    first = words[0].lower()
    known_first = first in lexicon.MALE_FIRST_NAMES or first in lexicon.FEMALE_FIRST_NAMES
    return (label == "PERSON" or known_first) and 1 < len(words) <= 4 and all(w[:1].isupper() for w in words)


def _same_person(entity: _Entity, words: Sequence[str]) -> bool:
    """'Donald J. Trump' is 'Donald Trump'; 'Ivanka Trump' is not."""
    first = words[0].lower()
    known_first = entity.name.split()[0].lower()
    return " " not in entity.name or first == known_first


def words_of_name(text: str) -> list[str]:
    """A name's words as written (keeping "Panuncio-Feldman" whole), without a possessive ending."""
    words = text.split()
    if words:
        for ending in ("'s", "\u2019s"):
            if words[-1].endswith(ending) and len(words[-1]) > len(ending):
                words[-1] = words[-1][: -len(ending)]
    return words


def strip_name(words: Sequence[str]) -> list[str]:
    """Drop leading determiners and titles and a trailing possessive: "Mr. King's" -> ["King"]."""
    kept = list(words)
    while kept and kept[-1] in ("'s", "\u2019s", "'", "\u2019"):
        kept.pop()
    while len(kept) > 1 and (kept[0].lower() == "the" or kept[0].lower().rstrip(".") in lexicon.TITLES):
        kept.pop(0)
    return kept


def title_gender(words: Sequence[str]) -> Gender | None:
    """The gender a leading title gives ("Mrs. Clinton"), if any."""
    for word in words:
        lowered = word.lower().rstrip(".")
        if lowered in lexicon.MALE_TITLES:
            return "m"
        if lowered in lexicon.FEMALE_TITLES:
            return "f"
        if lowered not in lexicon.TITLES:
            return None
    return None


def entity_spans(doc: Doc) -> list[Span]:
    """The named-entity spans that can name a speaker."""
    return [ent for ent in doc.ents if ent.label_ in _NAME_LABELS]
