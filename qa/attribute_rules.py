"""spaCy's attribute ruler matched by table lookup: the same rules on the same tokens, a sixth of the cost.

The English pipeline's `attribute_ruler` sets parts of speech, morphology and some lemmas from 179
one- and two-token rules on a token's tag, lower-case form, dependency and whether it is a space. spaCy
runs them through its general `Matcher`, a seventh of the parse's time on news (`bench.parse`). A
token's one-token rules depend only on those four values, so the rules that match each combination are
found once and kept; the few two-token rules are checked where their first word stands. The matches go
to the ruler's own `set_annotations`, so the attributes are set exactly as spaCy sets them.

Only the pattern forms the installed model uses are read (a string or boolean, `IN`, `NOT_IN`, `REGEX`
on `TAG`, `LOWER`, `DEP` and `IS_SPACE`); a ruler with any other form is left to spaCy's `Matcher`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["speed_up"]

_FEATURES = ("TAG", "LOWER", "DEP", "IS_SPACE")
Key = tuple[str, str, str, bool]  # a token's tag, lower-case form, dependency and whether it is a space
Match = tuple[int, int, int, int]  # (rule number, rule key, start, end), as AttributeRuler.match gives


def speed_up(ruler: Any) -> bool:
    """Make `ruler` (a spaCy AttributeRuler) find its matches by lookup; False, and `ruler` untouched,
    when its patterns use a form this module does not read."""
    rules = _compile(ruler.patterns)
    if rules is None:
        return False
    keys = [ruler.vocab.strings[str(number)] for number in range(len(ruler.patterns))]
    ruler.match = _Lookup(rules, keys)
    return True


class _TokenTest:
    """One token of a pattern: a test of a token's key; whether it reads the lower-case form
    (`reads_lower`), and the words it can match when it names them (`words`, else None)."""

    def __init__(self, token: dict[str, Any]) -> None:
        checks = []
        for name, wanted in token.items():
            check = _value_test(wanted) if name in _FEATURES else None
            if check is None:
                raise ValueError(f"a pattern form not read here: {name}: {wanted!r}")
            checks.append((_FEATURES.index(name), check))
        self._checks = checks
        wanted = token.get("LOWER")
        self.reads_lower = wanted is not None
        self.words: frozenset[str] | None = None
        if isinstance(wanted, str):
            self.words = frozenset([wanted])
        elif isinstance(wanted, dict) and "IN" in wanted:
            self.words = frozenset(wanted["IN"])

    def __call__(self, key: Key) -> bool:
        return all(check(key[position]) for position, check in self._checks)


class _Index:
    """Numbered token tests found for a key by its lower-case form and the rest of it, instead of
    trying each: those that read no lower-case form are kept per (tag, dependency, space), those that
    name words are tried only on those words."""

    def __init__(self, tests: Sequence[tuple[int, _TokenTest]]) -> None:
        self._free = [(n, t) for n, t in tests if not t.reads_lower]
        self._other = [(n, t) for n, t in tests if t.reads_lower and t.words is None]
        self._by_word: dict[str, list[tuple[int, _TokenTest]]] = {}
        for n, t in tests:
            for word in t.words or ():
                self._by_word.setdefault(word, []).append((n, t))
        self._free_seen: dict[tuple[str, str, bool], tuple[int, ...]] = {}

    def numbers(self, key: Key) -> tuple[int, ...]:
        """The numbers of the tests `key` passes, in order."""
        tag, lower, dep, space = key
        free = self._free_seen.get((tag, dep, space))
        if free is None:
            free = self._free_seen[(tag, dep, space)] = tuple(n for n, test in self._free if test(key))
        named = self._by_word.get(lower, ())
        if not named and not self._other:
            return free
        more = [n for n, test in named if test(key)] + [n for n, test in self._other if test(key)]
        return tuple(sorted({*free, *more})) if more else free


class _Lookup:
    """`AttributeRuler.match` by table: the matches of one doc, sorted as the ruler sorts them."""

    def __init__(self, rules: list[list[list[_TokenTest]]], keys: Sequence[int]) -> None:
        self._keys = keys
        self._single = _Index(
            [(n, p[0]) for n, patterns in enumerate(rules) for p in patterns if len(p) == 1]
        )
        self._longer = [(n, p) for n, patterns in enumerate(rules) for p in patterns if len(p) > 1]
        self._firsts = _Index([(i, pattern[0]) for i, (_, pattern) in enumerate(self._longer)])
        # Per token (its features as the vocabulary's hashes): the one-token rules it matches, and the
        # longer patterns whose first token it matches.
        self._seen: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def __call__(self, doc: Any) -> list[Match]:
        if not len(doc):
            return []
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        strings = doc.vocab.strings
        rows = [tuple(row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        matches: set[Match] = set()
        for i, row in enumerate(rows):
            seen = self._seen.get(row)
            if seen is None:
                key = _key(row, strings)
                seen = self._seen[row] = (self._single.numbers(key), self._firsts.numbers(key))
            numbers, firsts = seen
            matches.update((n, self._keys[n], i, i + 1) for n in numbers)
            for p in firsts:
                number, pattern = self._longer[p]
                end = i + len(pattern)
                if end <= len(rows) and all(
                    test(_key(rows[j], strings)) for j, test in zip(range(i + 1, end), pattern[1:])
                ):
                    matches.add((number, self._keys[number], i, end))
        return sorted(matches)


def _key(row: tuple[int, ...], strings: Any) -> Key:
    tag, lower, dep, space = row
    return strings[tag], strings[lower], strings[dep], bool(space)


def _compile(patterns: Sequence[dict[str, Any]]) -> list[list[list[_TokenTest]]] | None:
    """Per rule, per pattern, per token: its test; None for a form not read here."""
    try:
        return [
            [[_TokenTest(token) for token in pattern] for pattern in rule["patterns"]] for rule in patterns
        ]
    except ValueError:
        return None


def _value_test(wanted: Any) -> Callable[[Any], bool] | None:
    if isinstance(wanted, str | bool):
        return lambda value: bool(value == wanted)
    if not isinstance(wanted, dict) or len(wanted) != 1:
        return None
    [(operator, argument)] = wanted.items()
    if operator == "IN":
        within = frozenset(argument)
        return lambda value: value in within
    if operator == "NOT_IN":
        outside = frozenset(argument)
        return lambda value: value not in outside
    if operator == "REGEX":
        pattern = re.compile(argument)
        return lambda value: bool(pattern.search(value))
    return None
