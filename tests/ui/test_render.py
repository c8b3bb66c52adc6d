"""ui.render: answers, cards and the reader as escaped HTML, citations as links that carry their place."""

from __future__ import annotations

import dataclasses
import re

import pytest

from index.ingest import Failure
from index.models import Article, Quote, Sentence
from qa.models import Answer, Citation, Statement
from ui.render import (
    CANNOT_ANSWER,
    RELATED,
    ReaderTarget,
    citation_link,
    citation_target,
    escape_markdown,
    parse_target,
    quote_target,
    render_answer_markdown,
    render_citations_html,
    render_index_report,
    render_question_markdown,
    render_reader_html,
)

TEXT = (
    "Moscow announced a reshuffle. Valery Gerasimov was put in charge.\n"
    '"We will win," Dmitry Peskov said.\n'
    'A photo <img src=x onerror="window.pwned=1"> and <script>window.pwned=1</script> [link](javascript:x).'
)
ARTICLE = Article("a1", "Reshuffle <b>news</b>", TEXT, source="AFP", published="2023-01-12")


def _sentences(text: str = TEXT, article_id: str = "a1") -> list[Sentence]:
    """Sentences split by hand: two in the first paragraph, one in each other."""
    bounds = [(0, 29), (30, 65), (66, 100), (101, len(text))]
    paragraphs = [0, 0, 1, 2]
    return [
        Sentence(article_id, i, s, e, text[s:e], p)
        for i, ((s, e), p) in enumerate(zip(bounds, paragraphs, strict=True))
    ]


SENTENCES = _sentences()
PESKOV = Quote(
    "a1",
    "We will win,",
    67,
    79,
    "direct",
    "Dmitry Peskov",
    "Dmitry Peskov",
    "said",
    2,
    2,
    "Kremlin spokesman",
)


class Library:
    """An `ArticleSource` over one article."""

    def article(self, article_id: str) -> Article | None:
        return ARTICLE if article_id == "a1" else None

    def sentences(self, article_id: str) -> list[Sentence]:
        return SENTENCES if article_id == "a1" else []


def _answer(*citations: Citation) -> Answer:
    return Answer(
        "Who?", " ".join(f"{c.sentence.text} [{c.n}]" for c in citations), citations, abstained=False
    )


GERASIMOV = Citation(1, SENTENCES[1], ARTICLE.title, 0.8, span=(0, 16))
EVIL = Citation(2, SENTENCES[3], ARTICLE.title, 0.4)


def test_sentences_fixture_matches_the_text() -> None:
    assert [s.text for s in SENTENCES][:3] == [
        "Moscow announced a reshuffle.",
        "Valery Gerasimov was put in charge.",
        '"We will win," Dmitry Peskov said.',
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in SENTENCES)


def test_answer_cites_each_sentence_with_a_link_that_shows_it_on_hover() -> None:
    markdown = render_answer_markdown(_answer(GERASIMOV))
    assert markdown.startswith(
        '<strong>Valery Gerasimov</strong> was put in charge&#46; <a class="cite-link"'
    )
    assert (
        'title="Reshuffle &lt;b&gt;news&lt;/b&gt;&#58; Valery Gerasimov was put in charge&#46;"' in markdown
    )
    assert markdown.endswith(">&#91;1&#93;</a>")


def test_citation_link_carries_the_sentence_and_span_offsets() -> None:
    markdown = render_answer_markdown(_answer(GERASIMOV))
    href = re.search(r'href="([^"]+)"', markdown)
    assert href is not None
    assert parse_target(href.group(1)) == ReaderTarget("a1", (30, 65), (30, 46))


@pytest.mark.parametrize("raw", ["<script>window.pwned=1</script>", '<img src=x onerror="window.pwned=1">'])
def test_answer_escapes_html_in_article_text(raw: str) -> None:
    markdown = render_answer_markdown(_answer(EVIL))
    assert raw not in markdown
    assert "&lt;script&gt;window&#46;pwned&#61;1&lt;/script&gt;" in markdown
    assert "&lt;img src&#61;x onerror&#61;&quot;window&#46;pwned&#61;1&quot;&gt;" in markdown


def test_answer_turns_markdown_links_into_literal_text() -> None:
    markdown = render_answer_markdown(_answer(EVIL))
    assert "[link](javascript" not in markdown
    assert "&#91;link&#93;&#40;javascript&#58;x&#41;" in markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Russia's *big* push", "Russia&#x27;s &#42;big&#42; push"),
        ("a & b", "a &amp; b"),
        ("# heading\n\n- item", "&#35; heading &#45; item"),
        ("$x$ and http://e.com", "&#36;x&#36; and http&#58;//e&#46;com"),
    ],
)
def test_escape_markdown_shows_text_literally(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped


def test_question_is_escaped() -> None:
    assert render_question_markdown("<b>Who</b> [x](y)?") == "&lt;b&gt;Who&lt;/b&gt; &#91;x&#93;&#40;y&#41;?"


def test_abstention_says_so_plainly_with_the_reason() -> None:
    answer = Answer(
        "Capital of Australia?", "", (), abstained=True, reason="Nothing in the 1 articles searched."
    )
    assert render_answer_markdown(answer) == f"**{CANNOT_ANSWER}** Nothing in the 1 articles searched&#46;"
    assert "Nothing in the 1 articles searched." in render_citations_html(answer, Library())


def test_card_shows_the_paragraph_with_the_sentence_marked_and_the_span_bold() -> None:
    html = render_citations_html(_answer(GERASIMOV), Library())
    assert (
        "<p class='qa-passage'>Moscow announced a reshuffle. "
        '<mark class="qa-target"><strong>Valery Gerasimov</strong> was put in charge.</mark></p>'
    ) in html
    assert "Reshuffle &lt;b&gt;news&lt;/b&gt;</a>" in html
    assert '<div class="qa-meta">AFP · 2023-01-12</div>' in html


def test_related_sentences_are_shown_apart_without_a_number() -> None:
    related = Citation(2, SENTENCES[0], ARTICLE.title, 0.5)
    answer = dataclasses.replace(_answer(GERASIMOV), related=(related,))
    html = render_citations_html(answer, Library())
    cited, _, apart = html.partition('<div class="qa-related">')
    assert '<span class="qa-n">[1]</span>' in cited and "related-2" not in cited
    assert apart.startswith(f'<div class="qa-related-head">{RELATED}</div>')
    assert '<div class="qa-card" id="related-2"><div class="qa-card-head"><span class="qa-n"></span>' in apart
    assert "[2]" not in html


def test_card_names_the_speaker_of_a_quote() -> None:
    quoted = Citation(1, SENTENCES[2], ARTICLE.title, 0.7, quote=PESKOV)
    html = render_citations_html(_answer(quoted), Library())
    link = '<a class="speaker-link" href="#qa-speaker=Dmitry%20Peskov" title="Everything Dmitry Peskov said">'
    assert f'<div class="qa-speaker">Quote — {link}Dmitry Peskov</a>, Kremlin spokesman</div>' in html


def test_card_calls_an_indirect_quote_reported_speech() -> None:
    reported = Quote("a1", "a reshuffle", 19, 28, "indirect", "Moscow", "Moscow", "announced", 0, 0)
    html = render_citations_html(
        _answer(Citation(1, SENTENCES[0], ARTICLE.title, 0.7, quote=reported)), Library()
    )
    assert '<div class="qa-speaker">Reported speech — <a class="speaker-link"' in html
    assert ">Moscow</a></div>" in html


def test_card_escapes_script_and_img() -> None:
    html = render_citations_html(_answer(EVIL), Library())
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_card_of_a_removed_article_shows_the_sentence_alone() -> None:
    gone = Citation(1, Sentence("gone", 0, 0, 12, "Hello <world>", 0), "Old", 0.5)
    html = render_citations_html(_answer(gone), Library())
    assert '<mark class="qa-target">Hello &lt;world&gt;</mark>' in html


def test_no_answer_yet_shows_a_hint() -> None:
    assert "qa-empty" in render_citations_html(None, Library())


def test_reader_shows_every_paragraph_and_marks_the_target() -> None:
    html = render_reader_html(ARTICLE, SENTENCES, citation_target(GERASIMOV))
    assert html.count("<p>") == 3
    assert '<mark class="qa-target"><strong>Valery Gerasimov</strong> was put in charge.</mark>' in html
    assert "<script" not in html and "&lt;script&gt;" in html


def test_reader_marks_a_quote_sentence_with_the_quote_bold() -> None:
    html = render_reader_html(ARTICLE, SENTENCES, quote_target(PESKOV, SENTENCES))
    assert (
        '<mark class="qa-target">&quot;<strong>We will win,</strong>&quot; Dmitry Peskov said.</mark>' in html
    )


def test_reader_without_article_shows_a_hint() -> None:
    assert "Click a citation" in render_reader_html(None, [], None)


@pytest.mark.parametrize("ref", ["", "#qa-ref=nonsense", '#qa-ref=["a",1]', "#other=1", "#qa-ref=[1,2,3]"])
def test_parse_target_rejects_what_it_did_not_make(ref: str) -> None:
    with pytest.raises(ValueError, match="Not a citation reference"):
        parse_target(ref)


def test_target_round_trips_through_an_href() -> None:
    target = ReaderTarget('odd "id" &<>', (3, 9), None)
    assert parse_target(target.to_ref()) == target


def test_index_report_names_each_outcome() -> None:
    report = render_index_report(["Soledar"], [], ["Old *one*"], [Failure("bad.bin", "not UTF-8 text")])
    assert report == (
        "**Added** (1): Soledar\n\n**Skipped (unchanged)** (1): Old &#42;one&#42;\n\n"
        "**Failed** (1): bad&#46;bin — not UTF&#45;8 text"
    )


def test_render_and_ui_import_without_gradio() -> None:
    import subprocess
    import sys

    code = "import sys, ui, ui.render; assert 'gradio' not in sys.modules, 'ui.render imported gradio'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_statements_by_different_speakers_say_who_says_what() -> None:
    moscow = Quote(
        "a1", "Moscow announced a reshuffle.", 0, 29, "indirect", "Moscow", "Moscow", "announced", 0, 0
    )
    claim = Citation(1, SENTENCES[0], ARTICLE.title, 0.7, quote=moscow)
    denial = Citation(2, SENTENCES[2], ARTICLE.title, 0.6, quote=PESKOV)
    shown = render_answer_markdown(_answer(claim, denial))
    first, second = shown.split("\n\n")
    assert first.startswith("*Moscow:* Moscow announced a reshuffle")
    assert second.startswith("*Dmitry Peskov:* ")


def test_who_says_what_follows_the_sentences_with_links_to_their_citations() -> None:
    citation = Citation(1, SENTENCES[2], ARTICLE.title, 0.6, quote=PESKOV)
    denial = Quote("a1", "it", 80, 82, "indirect", "Kyiv", "Kyiv", "denied", 2, 2)
    answer = dataclasses.replace(_answer(citation), statements=(Statement(1, PESKOV), Statement(1, denial)))
    shown = render_answer_markdown(answer)
    sentences, said = shown.split("\n\n")
    assert sentences.startswith(escape_markdown(SENTENCES[2].text))
    link = citation_link(citation)
    assert (
        said
        == f"**Who says what:** Dmitry Peskov said \u201cWe will win,\u201d {link}; Kyiv denied it {link}"
    )
    # While the answer streams in, a statement waits for its citation to be shown.
    later = dataclasses.replace(answer, statements=(*answer.statements, Statement(2, denial)))
    assert render_answer_markdown(later) == shown


def test_one_speaker_is_not_repeated_before_each_sentence() -> None:
    shown = render_answer_markdown(_answer(Citation(1, SENTENCES[2], ARTICLE.title, 0.6, quote=PESKOV)))
    assert not shown.startswith("*Dmitry Peskov:*")


def test_reader_keeps_line_breaks_and_sets_sub_headings_apart() -> None:
    text = "Budget day\nTax credits\nAs a result, families gain.\nThe Treasury said so."
    article = Article("b1", "Budget", text)
    sentences = [
        Sentence("b1", 0, 0, 10, "Budget day", 0),
        Sentence("b1", 1, 11, 50, "Tax credits\nAs a result, families gain.", 1),
        Sentence("b1", 2, 51, len(text), "The Treasury said so.", 1),
    ]
    html = render_reader_html(article, sentences, None)
    assert '<h3 class="qa-reader-title">Budget</h3>' in html
    assert (
        '<p>Budget day</p><h4 class="qa-subheading">Tax credits</h4><p>As a result, families gain.</p>'
        in html
    )
    assert "<p>The Treasury said so.</p>" in html


def test_a_sub_heading_on_a_paragraph_of_its_own_is_one_too() -> None:
    text = "The ferry sailed.\nA long watch\nShe kept the lamp lit."
    article = Article("b2", "Keeper", text)
    sentences = [
        Sentence("b2", 0, 0, 17, "The ferry sailed.", 0),
        Sentence("b2", 1, 18, 30, "A long watch", 1),
        Sentence("b2", 2, 31, len(text), "She kept the lamp lit.", 2),
    ]
    html = render_reader_html(article, sentences, None)
    assert '<p>The ferry sailed.</p><h4 class="qa-subheading">A long watch</h4><p>She kept' in html


def test_a_short_line_in_single_quotes_is_a_sub_heading_and_a_quoted_sentence_is_not() -> None:
    text = "The ferry sailed.\n'Brutal fighting'\nShe kept the lamp lit.\n'It was cold.'\nThe end came."
    article = Article("b3", "Keeper", text)
    html = render_reader_html(article, [], None)  # no sentences: the lines of the whole text
    assert '<h4 class="qa-subheading">&#x27;Brutal fighting&#x27;</h4>' in html
    assert "<p>&#x27;It was cold.&#x27;</p>" in html
