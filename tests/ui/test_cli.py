"""The `qa` command with the fake encoder (fast): its `main` in this process, and its real entry point in
a subprocess for `--help` and the encoder check."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from index.embedding import HashingEncoder
from index.store import write_lock
from tests.cli import QA, run_qa
from tests.speakers import SPOKESMAN, STORIES, store_with

ARTICLE = (
    "Dam repairs finished\n"
    "Engineers finished repairs on the Kellan dam on Friday, the water board said.\n"
    '"The dam is safe again," chief engineer Rosa Lind told reporters.\n'
)


def qa(*args: str, store: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_qa([*args, "--store", str(store)], {**os.environ, "QA_MODEL": "hashing-64"}, stdin)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    (tmp_path / "dam.txt").write_text(ARTICLE, encoding="utf-8")
    result = qa("index", str(tmp_path / "dam.txt"), store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 0 failed")
    return tmp_path / "store"


def test_reindexing_an_unchanged_file_does_nothing(store: Path, tmp_path: Path) -> None:
    result = qa("index", str(tmp_path / "dam.txt"), store=store)
    assert result.stdout.startswith("0 added, 0 updated, 1 unchanged, 0 failed")


def test_ask_json_follows_the_contract(store: Path) -> None:
    result = qa("ask", "--json", "Who finished repairs on the dam?", store=store)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"question", "abstained", "answer", "citations", "statements"}
    first = answer["citations"][0]
    assert set(first) >= {"n", "article_id", "title", "sentence", "start", "end", "span", "score", "speaker"}
    assert ARTICLE[first["start"] : first["end"]] == first["sentence"]
    assert first["title"] == "Dam repairs finished"


def test_ask_dash_gives_one_record_per_input_line_and_an_error_record_for_a_blank_one(store: Path) -> None:
    result = qa(
        "ask", "-", "--json", store=store, stdin="Who said the dam is safe?\n\nWhen were repairs finished?\n"
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in lines] == ["Who said the dam is safe?", "", "When were repairs finished?"]
    assert lines[1]["abstained"] and lines[1]["reason"].startswith("The question is empty")
    assert result.returncode == 2
    assert "qa ask: The question is empty" in result.stderr


def test_articles_and_quotes_list_what_is_indexed(store: Path) -> None:
    [article] = [json.loads(line) for line in qa("articles", "--json", store=store).stdout.splitlines()]
    assert (article["title"], article["sentences"]) == ("Dam repairs finished", 3)
    quotes = [json.loads(line) for line in qa("quotes", "--json", store=store).stdout.splitlines()]
    assert [(q["quote"], q["speaker"]) for q in quotes if q["kind"] == "direct"] == [
        ("The dam is safe again,", "Rosa Lind")
    ]


def test_remove_takes_an_article_out(store: Path) -> None:
    [article] = [json.loads(line) for line in qa("articles", "--json", store=store).stdout.splitlines()]
    assert qa("remove", article["id"], store=store).returncode == 0
    assert qa("articles", "--json", store=store).stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", ""), "qa ask: The question is empty"),
        (("ask", "x" * 10_000), "qa ask: The question is 10,000 characters long"),
        (("index", "no/such/file.txt"), "qa index: 'no/such/file.txt' does not exist"),
        (("remove", "nope"), "qa remove: No article with id 'nope'"),
        (("ask", "-k", "0", "why?"), "qa ask: -k must be at least 1"),
        (("frobnicate",), "qa: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_mistakes_exit_2_with_one_line(store: Path, args: tuple[str, ...], message: str) -> None:
    result = qa(*args, store=store)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_store_with_another_encoder_is_refused(store: Path) -> None:
    env = {**os.environ, "QA_MODEL": "hashing-32"}
    result = subprocess.run(
        [*QA, "ask", "dam?", "--store", str(store)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert "built with encoder hashing-64, this run uses hashing-32" in result.stderr


def test_a_bad_file_is_named_and_the_good_ones_still_go_in(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    result = qa("index", str(tmp_path / "in"), store=tmp_path / "store")
    assert result.returncode == 0
    assert f"skipped {tmp_path / 'in' / 'bad.txt'}: this is a binary file" in result.stderr
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 1 failed")


def test_help_explains_with_examples() -> None:
    result = subprocess.run([*QA, "--help"], capture_output=True, text=True)
    assert "examples:" in result.stdout
    assert "qa ask --json" in result.stdout


def test_an_edited_file_replaces_its_earlier_version(store: Path, tmp_path: Path) -> None:
    (tmp_path / "dam.txt").write_text(ARTICLE.replace("Friday", "Saturday"), encoding="utf-8")
    result = qa("index", str(tmp_path / "dam.txt"), store=store)
    assert result.stdout.startswith("0 added, 1 updated, 0 unchanged, 0 failed")
    [article] = [json.loads(line) for line in qa("articles", "--json", store=store).stdout.splitlines()]
    assert article["url"] == (tmp_path / "dam.txt").resolve().as_uri()


def test_source_and_since_filter_the_articles_searched(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    records = [
        {
            "id": "old",
            "text": "The bridge opened to traffic.",
            "source": "Gazette",
            "published": "2020-01-02",
        },
        {
            "id": "new",
            "text": "The bridge closed for repairs.",
            "source": "Herald",
            "published": "2024-03-04",
        },
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert qa("index", str(feed), store=tmp_path / "s").returncode == 0

    def cited(*flags: str) -> set[str]:
        result = qa("ask", "--json", "the bridge", *flags, store=tmp_path / "s")
        return {c["article_id"] for c in json.loads(result.stdout)["citations"]}

    assert cited("--source", "herald") == {"new"}
    assert cited("--since", "2021-01-01") == {"new"}
    assert cited("--source", "Gazette", "--since", "2019-12-31") == {"old"}
    bad = qa("ask", "bridge?", "--since", "yesterday", store=tmp_path / "s")
    assert (bad.returncode, bad.stderr) == (
        2,
        "qa ask: --since must be a date YYYY-MM-DD, got 'yesterday'.\n",
    )


def test_check_finds_who_said_a_quote_and_prints_one_json_object(store: Path) -> None:
    result = qa("check", "the dam is safe again", "--speaker", "Rosa Lind", "--json", store=store)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["verdict"] == "exact"
    assert (record["matches"][0]["speaker"], record["matches"][0]["speaker_matches"]) == ("Rosa Lind", True)


def test_check_prints_the_verdict_and_the_diff(store: Path) -> None:
    result = qa("check", "The dam is totally safe again", store=store)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Verdict: close. Close, not exact")
    assert "diff: The dam is {+totally+} safe again" in result.stdout


def test_check_of_an_empty_quote_is_one_line_and_exit_2(store: Path) -> None:
    result = qa("check", "  ", store=store)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "qa check: The quote to check is empty; paste the words you want to check."
    )


def test_quotes_of_an_unknown_speaker_say_so_with_close_names_and_exit_1(store: Path) -> None:
    result = qa("quotes", "--speaker", "Anna Lind", store=store)
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr.strip() == "qa quotes: No quotes by Anna Lind; speakers with a close name: Rosa Lind."
    )


def test_quotes_take_the_articles_file_name_and_refuse_an_unknown_one(store: Path) -> None:
    by_name = qa("quotes", "--article", "dam.txt", "--json", store=store)
    assert by_name.returncode == 0, by_name.stderr
    assert {json.loads(line)["speaker"] for line in by_name.stdout.splitlines()} >= {"Rosa Lind"}
    unknown = qa("quotes", "--article", "nope.txt", store=store)
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert "no article 'nope.txt' in the store" in unknown.stderr


def test_a_speakers_record_by_date_lists_articles_with_counts(store: Path) -> None:
    result = qa("quotes", "--speaker", "Rosa Lind", "--by-date", store=store)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Rosa Lind: 1 quote in 1 article"
    assert lines[2].startswith("undated  Dam repairs finished (") and lines[2].endswith(" — 1")


@pytest.fixture
def speakers_store(tmp_path: Path) -> Path:
    """A store of the stories of tests/speakers.py, their quotes as given there."""
    store_with(tmp_path / "speakers", HashingEncoder(64), STORIES).close()
    return tmp_path / "speakers"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Tony Blair", ["Tony Blair: The economy is strong,  [leaks, direct]"]),
        (
            SPOKESMAN,
            [
                f"{SPOKESMAN}: We do not comment on leaks,  [leaks, direct]",
                f"{SPOKESMAN}: Mr Blair is confident,  [leaks, direct]",
            ],
        ),
        (
            "Ms Lomax",
            [
                "Rachel Lomax: Wages are steady,  [bank, direct]",
                "Rachel Lomax: Rates will hold for now,  [rates, direct]",
            ],
        ),
        ("Nick Brown", ["Nick Brown: Farmers need help this winter,  [farms, direct]"]),
    ],
)
def test_quotes_by_a_speaker_go_through_the_speakers_table(
    speakers_store: Path, name: str, lines: list[str]
) -> None:
    result = qa("quotes", "--speaker", name, store=speakers_store)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == lines


def test_a_record_by_any_name_form_is_headed_by_the_canonical_name_with_the_tables_count(
    speakers_store: Path,
) -> None:
    lines = qa("quotes", "--speaker", "lomax", "--by-date", store=speakers_store).stdout.splitlines()
    assert lines[0] == "Rachel Lomax: 2 quotes in 2 articles"
    assert [line.split("  ")[0] for line in lines if line[:1].isdigit()] == ["2024-02-01", "2024-03-04"]


def test_indexing_into_a_log_prints_progress_lines(tmp_path: Path) -> None:
    (tmp_path / "dam.txt").write_text(ARTICLE, encoding="utf-8")
    result = qa("index", str(tmp_path / "dam.txt"), store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^indexing: 1/1 articles \(\d+\.\d/s, 0:00 left\)$", result.stderr, re.M), result.stderr


def test_articles_lists_each_with_its_file_name(store: Path) -> None:
    [line] = qa("articles", store=store).stdout.splitlines()
    assert line.split("\t")[1:] == ["Dam repairs finished", "dam.txt", "3 sentences, 1 quotes"]


def test_a_question_not_in_english_gets_i_can_read_english_only(store: Path) -> None:
    result = qa("ask", "--json", "Qui a terminé les réparations du barrage ?", store=store)
    answer = json.loads(result.stdout)
    assert answer["abstained"]
    assert answer["reason"] == (
        "I can read English only (this question looks like French); ask it in English."
    )


def test_a_writer_that_must_wait_for_the_lock_says_so_once_then_lands(store: Path, tmp_path: Path) -> None:
    (tmp_path / "more.txt").write_text(ARTICLE.replace("Kellan", "Morrow"), encoding="utf-8")
    env = {**os.environ, "QA_MODEL": "hashing-64"}
    with write_lock(store):  # another writer is committing
        writer = subprocess.Popen(
            [*QA, "index", str(tmp_path / "more.txt"), "--store", str(store)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stderr is not None
        assert writer.stderr.readline() == "qa index: waiting for another import to commit…\n"
        assert writer.poll() is None  # it waits; it does not give up
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert "waiting" not in err  # said once
    assert out.startswith("1 added, 0 updated, 0 unchanged, 0 failed")
