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
Test = Callable[[Key], bool]
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


class _Lookup:
    """`AttributeRuler.match` by table: the matches of one doc, sorted as the ruler sorts them."""

    def __init__(self, rules: list[list[list[Test]]], keys: Sequence[int]) -> None:
        self._keys = keys
        self._single = [
            (n, pattern[0]) for n, patterns in enumerate(rules) for pattern in patterns if len(pattern) == 1
        ]
        self._longer = [
            (n, pattern) for n, patterns in enumerate(rules) for pattern in patterns if len(pattern) > 1
        ]
        # Per token (its features as the store's hashes): the one-token rules it matches, and the
        # longer patterns whose first token it matches.
        self._seen: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def __call__(self, doc: Any) -> list[Match]:
        if not len(doc):
            return []
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        strings = doc.vocab.strings
        rows = [tuple(row) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        keys: list[Key | None] = [None] * len(rows)
        matches: set[Match] = set()
        for i, row in enumerate(rows):
            seen = self._seen.get(row)
            if seen is None:
                key = keys[i] = _key(row, strings)
                seen = self._seen[row] = (
                    tuple(n for n, test in self._single if test(key)),
                    tuple(p for p, (_, pattern) in enumerate(self._longer) if pattern[0](key)),
                )
            numbers, firsts = seen
            matches.update((n, self._keys[n], i, i + 1) for n in numbers)
            for p in firsts:
                number, pattern = self._longer[p]
                end = i + len(pattern)
                if end <= len(rows) and all(
                    test(keys[j] or _key(rows[j], strings)) for j, test in zip(range(i + 1, end), pattern[1:])
                ):
                    matches.add((number, self._keys[number], i, end))
        return sorted(matches)


def _key(row: tuple[int, ...], strings: Any) -> Key:
    tag, lower, dep, space = row
    return strings[tag], strings[lower], strings[dep], bool(space)


def _compile(patterns: Sequence[dict[str, Any]]) -> list[list[list[Test]]] | None:
    """Per rule, per pattern, per token: one test of a token's key; None for a form not read here."""
    rules = []
    for rule in patterns:
        compiled = []
        for pattern in rule["patterns"]:
            tests = [_token_test(token) for token in pattern]
            if not pattern or any(test is None for test in tests):
                return None
            compiled.append([test for test in tests if test is not None])
        rules.append(compiled)
    return rules


def _token_test(token: dict[str, Any]) -> Test | None:
    checks = []
    for name, wanted in token.items():
        if name not in _FEATURES:
            return None
        check = _value_test(wanted)
        if check is None:
            return None
        checks.append((_FEATURES.index(name), check))

    def test(key: Key) -> bool:
        return all(check(key[position]) for position, check in checks)

    return test


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
