"""Quote and who-said scoring in-process, with the reference scorer's rules."""

from __future__ import annotations

import pytest

from index.models import Quote, QuoteKind
from qa.evaluation.quotes import score_quotes, speaker_ok


def _quote(text: str, speaker: str | None, start: int = 0, kind: QuoteKind = "direct") -> Quote:
    return Quote("a", text, start, start + len(text), kind, speaker, speaker, "said", 0, 0)


@pytest.mark.parametrize(
    ("predicted", "aliases", "expected"),
    [
        ("Dmitry Peskov", ["Peskov"], True),
        ("Peskov", ["Kremlin spokesman Dmitry Peskov"], True),
        ("the analyst", ["a Moscow-based defense analyst"], True),
        ("he", ["he", "Peskov"], False),
        (None, ["Peskov"], False),
        ("Ganna Malyar", ["Peskov"], False),
    ],
)
def test_speaker_ok_follows_the_reference_scorer(
    predicted: str | None, aliases: list[str], expected: bool
) -> None:
    assert speaker_ok(predicted, aliases) is expected


def test_score_quotes_ignores_predictions_over_partial_quotes() -> None:
    text = 'A "partial" bit. "Whole quote here," said Ann Lee.'
    record = {
        "article_id": "a",
        "text": text,
        "quotes": [
            {"quote_type": "partial", "char_span": [3, 10], "speaker_aliases": ["Ann Lee"]},
            {"quote_type": "direct", "char_span": [18, 34], "speaker_aliases": ["Ann Lee"]},
        ],
        "unattributed_quoted_spans": [],
    }
    predictions = {"a": [_quote("partial", None, 3, kind="mixed"), _quote("Whole quote here", "Lee", 18)]}
    result = score_quotes([record], predictions)
    assert (result["direct_quote_p"], result["direct_quote_r"], result["speaker_acc_on_matched"]) == (
        1.0,
        1.0,
        1.0,
    )
