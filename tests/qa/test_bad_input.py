"""Each kind of bad input gets one clear line, exit code 2 where nothing could be done, and the store
keeps answering exactly as before (DESIGN.md: "nothing is lost")."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli import run_qa

ENV = {**os.environ, "QA_MODEL": "hashing-64"}
STORY = "The ferry to Orla resumed on Monday. The operator said storms had stopped it for a week.\n"
QUESTION = "When did the ferry to Orla resume?"


def qa(*args: str, store: Path, env: dict[str, str] = ENV) -> subprocess.CompletedProcess[str]:
    return run_qa([*args, "--store", str(store)], env)


def answer(store: Path) -> list[str]:
    result = qa("ask", "--json", QUESTION, store=store)
    assert result.returncode == 0, result.stderr
    return [c["sentence"] for c in json.loads(result.stdout)["citations"]]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "ferry.txt").write_text(STORY, encoding="utf-8")
    assert qa("index", str(tmp_path / "ferry.txt"), store=tmp_path / "store").returncode == 0
    return tmp_path / "store"


def write(name: str, data: bytes | str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    return make


def huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50_000_000)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (write("empty.txt", b""), "empty.txt: the file is empty"),
        (write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.txt: this is a binary file"),
        (write("latin.txt", "Caf\u00e9 news.".encode("cp1252")), "latin.txt: not valid UTF-8"),
        (huge, "huge.txt: 50.0 MB is over the 5 MB limit"),
        (write("blank.json", '{"id": "x", "text": "   "}'), "blank.json: the article has no 'text'"),
    ],
)
def test_a_bad_file_is_refused_and_the_store_still_answers(
    store: Path, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    before = answer(store)
    result = qa("index", str(make(tmp_path)), store=store)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert answer(store) == before


def test_a_broken_jsonl_line_is_named_and_the_good_lines_go_in(store: Path, tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Alpha story."}),
        '{"id": "b", "text": ',
        json.dumps({"id": "c", "text": "Gamma."}),
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    result = qa("index", str(tmp_path / "feed.jsonl"), store=store)
    assert result.returncode == 0
    assert f"{tmp_path / 'feed.jsonl'}:2: not valid JSON" in result.stderr
    assert result.stdout.startswith("2 added, 0 updated, 0 unchanged, 1 failed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("index", "missing/nothing.txt"), "'missing/nothing.txt' does not exist"),
        (("ask", ""), "The question is empty"),
        (("ask", "w" * 10_000), "10,000 characters long"),
    ],
)
def test_bad_arguments_leave_the_store_alone(store: Path, args: tuple[str, ...], message: str) -> None:
    before = answer(store)
    result = qa(*args, store=store)
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert message in result.stderr
    assert answer(store) == before


def test_a_folder_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("buy milk")
    result = qa("ask", "anything?", store=tmp_path / "notes")
    assert result.returncode == 2
    assert "is not a store" in result.stderr
    assert (tmp_path / "notes" / "todo.txt").read_text() == "buy milk"


def test_a_store_of_another_schema_version_says_how_to_rebuild(store: Path) -> None:
    db = sqlite3.connect(store / "store.sqlite")
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    result = qa("ask", QUESTION, store=store)
    assert result.returncode == 2
    assert "schema version 99" in result.stderr and "qa index --rebuild" in result.stderr


@pytest.mark.parametrize("damage", ["delete", "truncate"])
def test_a_damaged_vector_file_is_reported_and_rebuild_repairs_it(store: Path, damage: str) -> None:
    before = answer(store)
    for file in store.glob("*.faiss"):
        if damage == "delete":
            file.unlink()
        else:
            file.write_bytes(file.read_bytes()[:30])
    result = qa("ask", QUESTION, store=store)
    assert result.returncode == 2
    assert "missing or damaged" in result.stderr and "qa index --rebuild" in result.stderr
    rebuilt = qa("index", "--rebuild", store=store)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert answer(store) == before
