"""End to end on the seed article with the real model: retrieval, citations, abstention."""

from __future__ import annotations

import pytest

from qa.engine import QAEngine

pytestmark = pytest.mark.model


def test_gerasimov_sentence_is_cited_first(seed_engine: QAEngine) -> None:
    answer = seed_engine.ask("Who was put in charge of Russia's operations in Ukraine?")
    assert not answer.abstained
    assert "Valery Gerasimov in charge of its operations in Ukraine" in answer.citations[0].sentence.text


def test_a_question_the_articles_cannot_answer_abstains(seed_engine: QAEngine) -> None:
    answer = seed_engine.ask("What is the capital of Australia?")
    assert answer.abstained
    assert answer.citations == ()
    assert "articles searched" in answer.reason


def test_citations_point_into_the_article(seed_engine: QAEngine) -> None:
    answer = seed_engine.ask("What did the deputy defence minister say about the fighting?")
    for c in answer.citations:
        article = seed_engine.article(c.sentence.article_id)
        assert article is not None
        assert article.text[c.sentence.start : c.sentence.end] == c.sentence.text
