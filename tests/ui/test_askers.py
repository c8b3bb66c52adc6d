"""Questions in the app are answered side by side by engines of their own, which see the main engine's
writes (`ui.askers`)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from index.embedding import HashingEncoder
from index.models import Article
from qa.engine import QAEngine
from qa.formats.contract import answer_record
from ui.askers import Askers
from ui.session import Session


def test_two_questions_at_once_each_get_an_engine_of_their_own(tmp_path: Path) -> None:
    main = QAEngine(tmp_path / "store", HashingEncoder(32))
    main.add_articles([Article("a1", "Pier", "The pier reopened on Monday after repairs.")])
    askers = Askers(main, size=2)
    inside = threading.Barrier(2, timeout=10)
    held: list[QAEngine | None] = []

    def ask() -> None:
        with askers.engine() as engine:
            held.append(engine)
            inside.wait()  # both hold an engine at the same moment: neither waited for the other

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(held) == 2 and all(e is not None and e is not main for e in held) and held[0] is not held[1]


def test_an_article_added_through_the_main_engine_is_answered_from_at_once(tmp_path: Path) -> None:
    session = Session(QAEngine(tmp_path / "store", HashingEncoder(32)))
    session.engine.add_articles([Article("a1", "Pier", "The pier reopened on Monday after repairs.")])
    first = session.ask("When did the pier reopen?", [], 3, None)
    session.engine.add_articles([Article("a2", "Ferry", "The ferry to Skye was cancelled by the storm.")])
    second = session.ask("Why was the ferry to Skye cancelled?", [], 3, None)
    assert first.citations and first.citations[0].sentence.article_id == "a1"
    assert second.citations and second.citations[0].sentence.article_id == "a2"


def test_an_asking_engine_reads_on_a_reader_of_its_own_and_answers_as_the_main_engine(tmp_path: Path) -> None:
    main = QAEngine(tmp_path / "store", HashingEncoder(32))
    main.add_articles(
        [
            Article("a1", "Pier", "The pier reopened on Monday after repairs. Crowds came back at once."),
            Article("a2", "Ferry", "The ferry to Skye was cancelled because of the storm."),
        ]
    )
    question = "Why was the ferry to Skye cancelled?"
    with Askers(main, size=1, reader_threads=1).engine() as engine:
        assert engine is not None and engine.answerer.reader is not main.answerer.reader
        asked = answer_record(engine.ask(question))
    assert asked == answer_record(main.ask(question))
    assert asked["citations"][0]["article_id"] == "a2"


def test_a_chat_answer_comes_whole_in_one_event_while_an_upload_holds_the_page_lock(tmp_path: Path) -> None:
    session = Session(QAEngine(tmp_path / "store", HashingEncoder(32)))
    session.engine.add_articles([Article("a1", "Pier", "The pier reopened on Monday after repairs.")])
    updates: list[tuple[Any, ...]] = []

    def chat() -> None:
        updates.extend(session.respond("When did the pier reopen?", [], [], 3, None, "", "", None))

    with session.lock:  # as an upload holds it while it indexes
        thread = threading.Thread(target=chat)
        thread.start()
        thread.join(timeout=60)
        answered = not thread.is_alive()
    thread.join()
    assert answered
    messages, turns, cards, question, hovercards, saved, files = updates[-1]
    assert [t.question for t in turns] == ["When did the pier reopen?"] and question == ""
    assert 'id="citation-1"' in cards and "qa-hovercard-data" in hovercards
    assert saved["messages"] == messages and session.conversations[saved["id"]] == turns
    assert files.visible is True
