"""The fitted pronoun ranker: its weights file, its choice among candidates, and the fit itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lab.quotes.fit_ranker import Event, accuracy, fit
from qa.quotes.extraction import ranking


def _candidate(entity: int, salience: float, recent: float) -> ranking.Candidate:
    features = [0.0] * len(ranking.FEATURES)
    features[ranking.FEATURES.index("salience")] = salience
    features[ranking.FEATURES.index("most_recent")] = recent
    return ranking.Candidate(entity, tuple(features))


def test_without_weights_the_most_salient_candidate_wins_and_ties_go_to_the_most_recent() -> None:
    candidates = [_candidate(7, 0.5, 1.0), _candidate(3, 0.9, 0.0), _candidate(4, 0.9, 0.0)]
    assert ranking.best(candidates, None) == 3
    assert ranking.best([], None) is None


def test_weights_can_prefer_the_most_recent_candidate() -> None:
    weights = [0.0] * len(ranking.FEATURES)
    weights[ranking.FEATURES.index("most_recent")] = 2.0
    assert ranking.best([_candidate(7, 0.5, 1.0), _candidate(3, 0.9, 0.0)], weights) == 7


def test_a_weights_file_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps({"features": ["salience"], "weights": [1.0]}), encoding="utf-8")
    with pytest.raises(ValueError, match="Refit it with"):
        ranking.load_weights.__wrapped__(path)


def test_the_installed_weights_match_the_features() -> None:
    weights = ranking.load_weights()
    assert weights is not None and len(weights) == len(ranking.FEATURES)


def test_fit_learns_which_feature_picks_the_right_candidate() -> None:
    # In every event the right candidate is the most recent one, not the most salient one.
    events = []
    for salience in (0.2, 0.4, 0.6):
        features = np.array([_candidate(0, salience, 1.0).features, _candidate(1, 0.9, 0.0).features])
        events.append(Event(features, np.array([True, False]), chosen_by_rule=1))
    weights = fit(events)
    assert accuracy(events, None) == 0.0
    assert accuracy(events, weights) == 1.0
    assert weights[ranking.FEATURES.index("most_recent")] > 0
