"""A fitted ranker of the antecedents a speaker pronoun ("he said") may refer to.

The rules of `qa.quotes.extraction.entities` give each compatible entity of the last few sentences a salience
(Lappin and Leass 1994); which of those signals matter, and how much, is fitted here on the PolNeAR train
articles (`python -m lab.quotes.fit_ranker`): a conditional logit over each pronoun's candidates
(McFadden 1973; the mention-ranking view of coreference of Denis and Baldridge 2008). The weights are a
small JSON file beside this module; without it the salience rule decides alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The features of one candidate, in this order (see `Registry.pronoun_candidates`).
FEATURES: tuple[str, ...] = (
    "salience",
    "most_salient",
    "most_recent",
    "sentences_back",
    "same_sentence",
    "last_speaker",
    "speaker_in_reach",
    "main_subject_in_reach",
    "mentions_in_reach",
    "person",
    "gender_agrees",
    "full_name",
    "person_label_share",
)

WEIGHTS_PATH = Path(__file__).with_name("pronoun_ranker.json")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entity a pronoun may refer to, with its features in `FEATURES` order."""

    entity: int
    features: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class PronounEvent:
    """A pronoun resolved during extraction and its candidates: what the fitting script learns from."""

    offset: int
    candidates: tuple[Candidate, ...]
    names: tuple[str, ...]


# Set by the fitting script to collect every pronoun's candidates; None otherwise.
TRACE: ContextVar[list[PronounEvent] | None] = ContextVar("pronoun_trace", default=None)


@lru_cache(maxsize=1)
def load_weights(path: Path = WEIGHTS_PATH) -> tuple[float, ...] | None:
    """The fitted weights in `FEATURES` order, or None when no weights file is installed.

    Raises:
        ValueError: the file names other features than this code computes.
    """
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(
            f"The pronoun ranker at '{path}' was fitted on features {data['features']}, this code computes "
            f"{list(FEATURES)}. Refit it with `python -m lab.quotes.fit_ranker`."
        )
    return tuple(float(w) for w in data["weights"])


def score(features: Sequence[float], weights: Sequence[float]) -> float:
    """The candidate's linear score; the softmax over a pronoun's candidates makes it a probability."""
    return math.fsum(f * w for f, w in zip(features, weights, strict=True))


def best(candidates: Sequence[Candidate], weights: Sequence[float] | None) -> int | None:
    """The entity of the best candidate: by the fitted weights, else by salience (ties: most recent)."""
    if not candidates:
        return None
    if weights is None:
        return max(candidates, key=lambda c: c.features[0]).entity
    return max(candidates, key=lambda c: score(c.features, weights)).entity
