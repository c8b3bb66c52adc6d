"""Evidence to take away: an answer, a quote list and a quote check as Markdown, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.models import Article
from qa.engine import QAEngine
from qa.formats.export import export_answer, export_check, export_quotes
from qa.models import Answer, Citation

EXPORT_ARTICLE = Article(
    "dam",
    "Dam repairs finished",
    "Engineers finished repairs on the Kellan dam on Friday.\n"
    '"The dam is safe again," chief engineer Rosa Lind said.',
    source="Valley News",
    url="https://news.example/dam",
    published="2024-05-03",
)


@pytest.fixture
def dam_engine(tmp_path: Path, fake_encoder: HashingEncoder) -> QAEngine:
    engine = QAEngine(tmp_path / "store", fake_encoder)
    engine.add_articles([EXPORT_ARTICLE])
    return engine


def _answer(engine: QAEngine) -> Answer:
    sentence = engine.sentences("dam")[0]
    citation = Citation(1, sentence, "Dam repairs finished", 0.9, span=(48, 54))
    return Answer(
        "When were the repairs finished?", f"{sentence.text} [1]", (citation,), False, confidence=0.83
    )


def test_an_answer_exports_as_markdown_with_the_span_in_bold_and_the_source(dam_engine: QAEngine) -> None:
    text = export_answer(_answer(dam_engine), dam_engine.article, "md")
    assert "> Engineers finished repairs on the Kellan dam on **Friday**. [1]" in text
    assert "[1] *Dam repairs finished*, Valley News, 2024-05-03 — <https://news.example/dam>" in text
    assert "Confidence: 83%" in text


def test_an_answer_exports_as_csv_one_row_per_citation(dam_engine: QAEngine) -> None:
    rows = list(csv.DictReader(io.StringIO(export_answer(_answer(dam_engine), dam_engine.article, "csv"))))
    assert len(rows) == 1
    assert (rows[0]["answer"], rows[0]["source"], rows[0]["url"]) == (
        "Friday",
        "Valley News",
        "https://news.example/dam",
    )


def test_a_quote_list_exports_grouped_by_article(dam_engine: QAEngine) -> None:
    quotes = dam_engine.quotes(speaker="Rosa Lind")
    text = export_quotes(quotes, dam_engine.article, "md", "Quotes by Rosa Lind")
    assert text.startswith("## Quotes by Rosa Lind\n\n### *Dam repairs finished*, Valley News, 2024-05-03")
    assert "- **Rosa Lind:** \u201cThe dam is safe again,\u201d" in text
    records = json.loads(export_quotes(quotes, dam_engine.article, "json"))
    assert records[0]["url"] == "https://news.example/dam"


def test_a_check_exports_its_verdict_and_the_marked_diff(dam_engine: QAEngine) -> None:
    text = export_check(dam_engine.check_quote("The dam totally safe again"), "md")
    assert "**Verdict:** Close, not exact" in text
    assert "The dam ~~is~~ **totally** safe again" in text
