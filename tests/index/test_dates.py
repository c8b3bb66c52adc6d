"""Datelines: the date (and wire agency) an article states at its top fills what its input left empty;
a date further down is what the story is about, and is never taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.dates import Dateline, find_dateline, parse_date
from index.ingest import article_from_record, read_paths


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        (
            "Rates held\n\nLONDON, March 3, 2021 (Reuters) - The Bank of England held rates.",
            Dateline("2021-03-03", "Reuters"),
        ),
        ("Rates held\nPublished: 12 January 2023\n\nThe bank held rates.", Dateline("2023-01-12")),
        ("Rates held\n2023-01-12\n\nThe bank held rates.", Dateline("2023-01-12")),
        ("Rates held\nThursday 12 January 2023 10:32 GMT\n\nThe bank held rates.", Dateline("2023-01-12")),
        (
            "Rates held\nHARTFORD, Conn., Sept. 4, 2020 (AP) — The state held rates.",
            Dateline("2020-09-04", "AP"),
        ),
        ("Rates held\nKYIV, Ukraine (AP) — The central bank held rates.", Dateline("", "AP")),
        ("Rates held\nKyiv (AFP) - The central bank held rates.", Dateline("", "AFP")),
        ("Rates held\nWASHINGTON, March 3 (Reuters) - The Fed held rates.", Dateline("", "Reuters")),
    ],
    ids=["wire", "published-line", "iso-line", "weekday-and-time", "region", "agency-only", "afp", "no-year"],
)
def test_a_dateline_at_the_top_gives_the_date_and_agency(text: str, dateline: Dateline) -> None:
    assert find_dateline(text) == dateline


@pytest.mark.parametrize(
    "text",
    [
        "Rates held\n\nThe minister said on 3 March 2021 that rates would hold.",
        "Rates held\n03/04/2021\n\nAn all-number date reads differently in London and New York.",
        "Rates held\nBrexit talks - what next?\nThe talks go on.",
        "One\nTwo\nThree\nFour\nFive\n2023-01-12\nA date line too far down.",
        "Rates held\nPublished: 31 February 2023\nNo such day.",
    ],
    ids=["in-a-sentence", "ambiguous", "a-dash-but-no-dateline", "too-far-down", "no-such-day"],
)
def test_no_date_is_guessed_from_the_text(text: str) -> None:
    assert find_dateline(text) == Dateline()


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("12 January 2023", "2023-01-12"),
        ("Jan. 12, 2023", "2023-01-12"),
        ("1st March 2021", "2021-03-01"),
        ("March 2021", ""),
    ],
)
def test_a_date_written_in_full_is_parsed(written: str, iso: str) -> None:
    assert parse_date(written) == iso


def test_a_text_file_without_a_date_takes_its_dateline(tmp_path: Path) -> None:
    path = tmp_path / "rates.txt"
    path.write_text(
        "Bank holds rates\n\nLONDON, March 3, 2021 (Reuters) - The Bank of England held interest rates.\n",
        encoding="utf-8",
    )
    [article] = read_paths([path]).articles
    assert (article.published, article.source) == ("2021-03-03", "Reuters")


def test_a_json_articles_own_date_and_source_win_over_its_dateline(tmp_path: Path) -> None:
    text = "LONDON, March 3, 2021 (Reuters) - The Bank of England held interest rates."
    given = article_from_record({"text": text, "published": "2021-03-04", "source": "Wire"})
    assert (given.published, given.source) == ("2021-03-04", "Wire")
    path = tmp_path / "rates.json"
    path.write_text(json.dumps({"title": "Bank holds rates", "text": text}), encoding="utf-8")
    [article] = read_paths([path]).articles
    assert (article.published, article.source) == ("2021-03-03", "Reuters")
