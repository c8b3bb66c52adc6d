from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from index.errors import InputError
from index.ingest import read_paths


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_text_file_keeps_text_whole_and_takes_a_heading_as_title(tmp_path: Path) -> None:
    text = "# Floods in the valley\n\nThe river rose by two metres. Roads were closed.\n"
    result = read_paths([write(tmp_path, "floods.md", text)])
    [article] = result.articles
    assert (article.title, article.text) == ("Floods in the valley", text)
    assert len(article.id) == 16


def test_short_first_line_without_final_stop_is_the_title(tmp_path: Path) -> None:
    result = read_paths([write(tmp_path, "a.txt", "Mayor resigns\nThe mayor resigned on Monday.")])
    assert result.articles[0].title == "Mayor resigns"


def test_a_first_sentence_is_not_a_title(tmp_path: Path) -> None:
    result = read_paths(
        [write(tmp_path, "storm-report.txt", "The storm hit the coast on Monday.\nMore later.")]
    )
    assert result.articles[0].title == "storm-report"


def test_jsonl_broken_line_is_reported_with_its_number_and_the_rest_go_in(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "one", "title": "One", "text": "First story.", "published": "2024-05-01"}),
        "{not json",
        json.dumps({"article_id": "two", "text": "Second story."}),
        json.dumps({"id": "three", "text": ""}),
    ]
    path = write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")
    result = read_paths([path])
    assert [a.id for a in result.articles] == ["one", "two"]
    assert result.articles[0].published == "2024-05-01"
    assert [f.where for f in result.failures] == [f"{path}:2", f"{path}:4"]
    assert "not valid JSON" in result.failures[0].message


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n \n", "only whitespace"),
        ("binary.txt", b"\x89PNG\x00\x00\x01", "binary file"),
        ("latin1.txt", "Caf\u00e9 society.".encode("latin-1"), "not valid UTF-8"),
        ("notes.docx", b"text", "unsupported file type"),
        ("bad.json", b"{", "not valid JSON"),
        ("nodata.json", b'{"title": "x"}', "no 'text'"),
    ],
)
def test_bad_files_are_reported_by_name(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path, name, data)
    result = read_paths([path])
    assert result.articles == []
    [failure] = result.failures
    assert failure.where == str(path)
    assert message in failure.message


def test_huge_file_is_refused_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"Words and more words. " * 300_000)
    [failure] = read_paths([path]).failures
    assert "6.6 MB is over the 5 MB limit" in failure.message


def test_a_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    with open(path, "wb") as fh:
        fh.truncate(50_000_000)
    [failure] = read_paths([path]).failures
    assert failure.message.startswith("50.0 MB is over the 5 MB limit for one file")


def test_missing_path_raises() -> None:
    with pytest.raises(InputError, match=r"'nope/none\.txt' does not exist"):
        read_paths(["nope/none.txt"])


def test_folders_are_read_recursively_without_readme_or_hidden_files(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# About\nThis folder holds articles.")
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    write(tmp_path / "sub", "b.txt", "Second story here.")
    write(tmp_path / ".hidden", "c.txt", "Hidden story.")
    write(tmp_path, "a.txt", "First story here.")
    write(tmp_path, "image.png", b"\x89PNG")
    assert [a.text for a in read_paths([tmp_path]).articles] == ["First story here.", "Second story here."]


def test_stdin_dash_reads_jsonl() -> None:
    stdin = io.StringIO(json.dumps({"id": "s", "text": "From stdin."}) + "\n")
    assert [a.id for a in read_paths(["-"], stdin=stdin).articles] == ["s"]


def test_html_main_text_and_title_are_extracted(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Port strike ends</title></head><body><nav>Home | World | Sport</nav>"
        "<article><h1>Port strike ends</h1><p>Dock workers returned to work on Tuesday after a deal on pay "
        "was reached with the port authority, ending a strike that lasted two weeks.</p>"
        "<p>The union said the agreement raises wages by six percent over two years.</p></article>"
        "<footer>Copyright 2024</footer></body></html>"
    )
    [article] = read_paths([write(tmp_path, "strike.html", html)]).articles
    assert article.title == "Port strike ends"
    assert "raises wages by six percent" in article.text
    assert "Copyright" not in article.text


@pytest.mark.parametrize("headline", ["Is the housing boom over?", "Blair 'will stay'", "Brown: 'No deal'"])
def test_a_short_first_line_before_a_blank_line_is_the_headline_whatever_its_last_character(
    tmp_path: Path, headline: str
) -> None:
    text = f"{headline}\n\nHouse prices fell for a third month in March.\n\nMore follows."
    result = read_paths([write(tmp_path, "bbc-042.txt", text)])
    assert result.articles[0].title == headline
