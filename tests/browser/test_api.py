"""The app's named API through `gradio_client`: /ask, /quotes, /articles, /add_articles, /check_quote."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def client(server_url: str) -> Iterator[Any]:
    from gradio_client import Client

    client = Client(server_url, verbose=False)
    yield client
    client.close()


def test_ask_returns_the_answer_record(client: Any) -> None:
    record = client.predict(
        "Who was put in charge of Russia's operations in Ukraine?", 2, None, api_name="/ask"
    )
    assert record["abstained"] is False
    first = record["citations"][0]
    assert "Valery Gerasimov" in first["sentence"]
    assert first["n"] == 1 and first["title"] == "soledar"
    assert len(record["citations"]) <= 2


def test_ask_rejects_an_empty_question_with_its_message(client: Any) -> None:
    # gradio_client raises its AppError, a ValueError, with the app's message.
    with pytest.raises(ValueError, match="The question is empty"):
        client.predict("   ", 3, None, api_name="/ask")


def test_ask_searches_only_the_source_and_dates_given(client: Any) -> None:
    question = "Who was put in charge of Russia's operations in Ukraine?"
    record = client.predict(question, 2, None, "No such wire", "", api_name="/ask")
    assert record["abstained"] is True
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        client.predict(question, 2, None, "", "last week", api_name="/ask")


def test_quotes_filters_by_speaker(client: Any) -> None:
    quotes = client.predict("Peskov", "", api_name="/quotes")
    assert quotes
    assert {q["speaker"] for q in quotes} == {"Dmitry Peskov"}
    assert any(q["quote"].startswith("Huge work has been done in Soledar") for q in quotes)


def test_add_articles_then_ask_and_list(client: Any) -> None:
    article = {
        "id": "api-bakery",
        "title": "Bakery wins prize",
        "text": "The Crumb and Crust bakery in Leeds won the national sourdough prize on Monday.",
        "published": "2024-03-04",
    }
    report = client.predict([article, {"title": "no text"}], api_name="/add_articles")
    assert report["added"] + report["unchanged"] == ["api-bakery"]
    assert report["failed"] == ["articles[1]: the article has no 'text' (a non-empty string is required)"]
    titles = {a["id"]: a["title"] for a in client.predict(api_name="/articles")}
    assert titles["api-bakery"] == "Bakery wins prize"
    record = client.predict(
        "Which bakery won the national sourdough prize?", 1, ["api-bakery"], api_name="/ask"
    )
    assert record["citations"][0]["article_id"] == "api-bakery"


def test_check_quote_returns_the_verdict_and_who_said_it(client: Any) -> None:
    record = client.predict(
        "The fiercest and heaviest fighting is continuing today in the area of Soledar",
        "Peskov",
        api_name="/check_quote",
    )
    assert (record["verdict"], record["speaker_asked"]) == ("exact", "Peskov")
    best = record["matches"][0]
    assert (best["speaker"], best["speaker_matches"]) == ("Ganna Malyar", False)
    assert record["summary"].startswith("Not Peskov: Ganna Malyar said it")
