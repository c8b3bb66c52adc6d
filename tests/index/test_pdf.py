"""PDF files as articles: the text layer page by page, title and date from the metadata, and one clear line
for a scan, a password or a damaged file. The PDFs are written by `tests.web.make_pdf`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfWriter

from index.ingest import Failure, read_paths
from tests.web import LocalSite, make_pdf

REPORT = [
    ["Water Board annual report", "", "Revenue rose by ten percent in 2023, the board said."],
    ["Chair Ines Oduya said the new reservoir would open in 2025.", "Repairs cost 2 million pounds."],
]
REPORT_TEXT = (
    "Water Board annual report\nRevenue rose by ten percent in 2023, the board said.\n\n"
    "Chair Ines Oduya said the new reservoir would open in 2025.\nRepairs cost 2 million pounds."
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_pdf_is_read_page_by_page_with_its_metadata_title_and_creation_date(tmp_path: Path) -> None:
    pdf = make_pdf(REPORT, title="Annual Report 2023", created="D:20240115093000+01'00'")
    [article] = read_paths([write(tmp_path, "report.pdf", pdf)]).articles
    assert (article.title, article.text, article.published) == (
        "Annual Report 2023",
        REPORT_TEXT,
        "2024-01-15",
    )
    assert article.url == (tmp_path / "report.pdf").resolve().as_uri()


def test_pages_are_paragraphs_so_no_sentence_runs_across_a_page_break(tmp_path: Path) -> None:
    from index.sentences import split_sentences

    [article] = read_paths([write(tmp_path, "report.pdf", make_pdf(REPORT))]).articles
    sentences = split_sentences(article.id, article.text)
    assert [(s.paragraph, s.text) for s in sentences] == [
        (0, "Water Board annual report"),
        (1, "Revenue rose by ten percent in 2023, the board said."),
        (2, "Chair Ines Oduya said the new reservoir would open in 2025."),
        (3, "Repairs cost 2 million pounds."),
    ]
    assert all(article.text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("metadata_title", "first_line", "title"),
    [
        ("", "Water Board annual report", "Water Board annual report"),
        ("Microsoft Word - report-final.docx", "Water Board annual report", "Water Board annual report"),
        ("", "The board met on Monday and agreed the budget for the year.", "board-minutes"),
    ],
    ids=["no-title", "a-file-name-as-title", "no-short-first-line"],
)
def test_without_a_metadata_title_the_first_short_line_then_the_file_name_is_the_title(
    tmp_path: Path, metadata_title: str, first_line: str, title: str
) -> None:
    pdf = make_pdf([[first_line, "", "Revenue rose by ten percent, the board said."]], title=metadata_title)
    [article] = read_paths([write(tmp_path, "board-minutes.pdf", pdf)]).articles
    assert article.title == title


def test_a_pdf_without_a_date_takes_its_dateline(tmp_path: Path) -> None:
    pdf = make_pdf([["Water rates frozen", "", "LEEDS, 3 March 2021 - The water board froze its rates."]])
    [article] = read_paths([write(tmp_path, "release.pdf", pdf)]).articles
    assert article.published == "2021-03-03"


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(REPORT)))
    writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_encrypted_without_a_user_password_is_read(tmp_path: Path) -> None:
    [article] = read_paths([write(tmp_path, "open.pdf", encrypted(""))]).articles
    assert article.text == REPORT_TEXT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (make_pdf([[], []]), "this PDF has no text layer (a scan?); run OCR first, e.g. ocrmypdf"),
        (encrypted("secret"), "this PDF is protected by a password; save a copy without one, then index it"),
        (
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "not a readable PDF (Stream has ended unexpectedly); is the file damaged?",
        ),
        (b"PK\x03\x04 a zip file", "not a PDF file (no %PDF- header); is it another format renamed .pdf?"),
    ],
    ids=["a-scan", "a-password", "damaged", "not-a-pdf"],
)
def test_a_pdf_that_cannot_be_read_is_one_line_and_the_others_go_in(
    tmp_path: Path, data: bytes, message: str
) -> None:
    bad = write(tmp_path, "bad.pdf", data)
    good = write(tmp_path, "good.pdf", make_pdf(REPORT))
    result = read_paths([bad, good])
    assert [a.title for a in result.articles] == ["Water Board annual report"]
    assert result.failures == [Failure(str(bad), message)]


def test_pdfs_in_a_folder_are_read_with_the_text_files(tmp_path: Path) -> None:
    write(tmp_path, "report.pdf", make_pdf(REPORT))
    (tmp_path / "note.txt").write_text("Ferry timetable\nThe ferry sails twice a day.", encoding="utf-8")
    assert [a.title for a in read_paths([tmp_path]).articles] == [
        "Ferry timetable",
        "Water Board annual report",
    ]


def test_a_pdf_on_the_web_is_read_by_its_url(site: LocalSite) -> None:
    url = site.add(
        "/files/annual-report.pdf", make_pdf(REPORT, title="Annual Report 2023"), "application/pdf"
    )
    [article] = read_paths([url]).articles
    assert (article.title, article.text, article.url, article.source) == (
        "Annual Report 2023",
        REPORT_TEXT,
        url,
        "127.0.0.1",
    )
