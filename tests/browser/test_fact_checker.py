"""The app as a fact-checker uses it, in headless Chromium: hover cards (mouse, keyboard and tap), the
first view, a speaker's page with its timeline, where else a quote was said, the library's search and
reader, the reader's title, a phone-width page, and a conversation that survives a reload.

One store and one `qa serve` for this module: a few short articles written here (two carry the same
quote, one is long with a sub-heading, one holds HTML in a quote), indexed with the real model.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.embedding import Encoder
from index.models import Article
from qa.engine import QAEngine
from tests.browser.test_app import ask, choose
from tests.serve import qa_serve

pytestmark = pytest.mark.browser

SAID = "We will rebuild the pier before the summer storms arrive"
KEEPER = "Marta Quill kept the Skerry Point lighthouse lit for forty-one winters before retiring on Friday."
EVIL = "<img src=x onerror=window.pwned=1>"  # no double quote: it would end the quote
FILLER = [
    f"The harbour office posted the ferry timetable for week {n} on its board, and the fishing fleet "
    f"logged {n * 3} crates of mackerel at the quay that week."
    for n in range(1, 25)
]
ARTICLES = [
    Article(
        "pier-later",
        "Pier works begin",
        f'Cranes arrived at the harbour on Friday.\n"{SAID}," said harbour chief Ola Brandt.\n'
        "The council set aside two million pounds for the work.",
        source="Harbour Courier",
        published="2024-05-10",
    ),
    Article(
        "pier-first",
        "Council backs pier plan",
        f'The council voted on Monday to rebuild the old pier.\nHarbour chief Ola Brandt said: "{SAID}."\n'
        "The vote was close.",
        source="Harbour Courier",
        published="2024-02-01",
    ),
    Article(
        "lighthouse",
        "Lighthouse keeper retires",
        "\n".join(FILLER[:12]) + "\nA long watch\n" + "\n".join(FILLER[12:]) + f"\n{KEEPER}\n"
        "The coastguard said an automatic lamp would replace her.",
        published="2023-11-20",
    ),
    Article(
        "kites",
        "Kite festival on the dunes",
        f'The kite festival opens on the dunes on Sunday.\nOrganiser Rosa Vint said: "Bring a kite {EVIL} '
        'and a warm coat."\nThe festival has run for ten years.',
        published="2024-06-02",
    ),
]


@pytest.fixture(scope="module")
def store(real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fact-checker") / "store"
    report = QAEngine(path, real_encoder).add_articles(ARTICLES)
    assert not report.failed, report.failed
    return path


@pytest.fixture(scope="module")
def url(store: Path, real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "QA_MODEL": real_encoder.name}
    env.pop("QA_AUTH", None)
    with qa_serve(store, env, tmp_path_factory.mktemp("fact-server") / "serve.log") as served:
        yield served


def _open(browser: Any, url: str, **options: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | options))
    page = context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return context, page, requested


def _outside(requested: list[str], url: str) -> list[str]:
    return [
        r for r in requested if not r.startswith(url.rstrip("/")) and not r.startswith(("data:", "blob:"))
    ]


@pytest.fixture
def page(browser: Any, url: str) -> Iterator[Any]:
    """A fresh desktop page on the app; no request of the test may leave the app's address."""
    context, page, requested = _open(browser, url)
    yield page
    context.close()
    assert _outside(requested, url) == []


def _wait_for_cards(page: Any) -> None:
    page.wait_for_function("() => document.querySelectorAll('.qa-hovercards .qa-hovercard-data').length > 0")


def test_hovering_a_citation_shows_a_card_with_the_sentence_title_and_date(
    page: Any, screenshots: Path
) -> None:
    ask(page, "How many winters did Marta Quill keep the lighthouse lit?")
    _wait_for_cards(page)
    link = page.locator("#chat .bot.message a.cite-link").first
    link.hover()
    card = page.locator("#qa-hovercard")
    card.wait_for(state="visible")
    assert KEEPER in card.inner_text()
    assert card.locator(".qa-hc-title").inner_text() == "Lighthouse keeper retires"
    assert "2023-11-20" in card.inner_text()
    assert link.get_attribute("title") is None  # no native tooltip over the card
    page.screenshot(path=str(screenshots / "hover-card.png"))
    page.mouse.move(5, 5)
    card.wait_for(state="hidden")
    link.focus()  # the keyboard reaches it too
    card.wait_for(state="visible")
    page.keyboard.press("Escape")
    card.wait_for(state="hidden")


def test_a_tap_on_a_phone_shows_the_card_and_its_link_reaches_the_sentence(
    browser: Any, url: str, screenshots: Path
) -> None:
    context, page, requested = _open(
        browser, url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    ask(page, "How many winters did Marta Quill keep the lighthouse lit?")
    _wait_for_cards(page)
    page.locator("#chat .bot.message a.cite-link").first.tap()
    card = page.locator("#qa-hovercard")
    card.wait_for(state="visible")
    assert KEEPER in card.inner_text() and "Lighthouse keeper retires" in card.inner_text()
    assert page.locator("#reader mark.qa-target").count() == 0  # the tap opened the card, not the reader
    page.screenshot(path=str(screenshots / "phone.png"))
    card.locator("a.qa-hc-open").tap()
    mark = page.locator("#reader mark.qa-target")
    mark.wait_for()
    assert mark.inner_text() == KEEPER
    page.wait_for_function(
        "() => { const m = document.querySelector('#reader mark.qa-target').getBoundingClientRect();"
        " return m.top >= 0 && m.bottom <= window.innerHeight; }"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390 + 1  # nothing wider than the phone
    assert _outside(requested, url) == []


def test_the_first_view_says_what_the_store_holds_and_offers_no_download_yet(
    page: Any, store: Path, real_encoder: Encoder
) -> None:
    articles, quotes, newest = QAEngine(store, real_encoder).store.totals()
    expected = f"{articles:,} articles, {quotes:,} quotes, newest {newest}"
    page.locator("#chat").filter(has_text=expected).wait_for()
    assert newest == "2024-06-02"
    assert not page.locator("#answer-files").is_visible()
    ask(page, "How many winters did Marta Quill keep the lighthouse lit?")
    page.locator('#answer-files a[download="answer.md"]').wait_for()


def test_a_speaker_page_shows_a_timeline_and_a_record_counted_as_the_table(
    page: Any, screenshots: Path
) -> None:
    page.get_by_role("tab", name="Who said what").click()
    choose(page, "quote-speaker", "Ola Brandt")
    speaker = page.locator("#speaker-page .qa-speaker-page")
    speaker.wait_for()
    assert speaker.get_attribute("data-speaker") == "Ola Brandt"
    bars = speaker.locator("svg.qa-timeline-chart rect.qa-bar")
    counts = [int(b.get_attribute("data-count")) for b in bars.all()]
    assert counts[0] > 0 and counts[-1] > 0 and len(counts) == 4  # February to May 2024
    page.wait_for_function(
        "() => document.querySelector('#speakers [data-testid=cell-0-0]')?.innerText.includes('Ola Brandt')"
    )
    in_table = int(page.locator("#speakers [data-testid=cell-0-1]").inner_text())
    counted = speaker.locator(".qa-speaker-counts")
    assert int(counted.get_attribute("data-quotes")) == in_table == sum(counts)
    entries = speaker.locator(".qa-record-entry")
    assert [e.get_attribute("data-article") for e in entries.all()] == ["pier-first", "pier-later"]
    page.screenshot(path=str(screenshots / "speaker-page.png"))
    speaker.locator("a.quote-link").first.click()
    mark = page.locator("#quote-reader mark.qa-target")
    mark.wait_for()
    assert SAID in mark.inner_text()


def test_where_else_lists_every_article_with_the_words_earliest_first_and_names_open_pages(
    page: Any, screenshots: Path
) -> None:
    page.get_by_role("tab", name="Check a quote").click()
    page.locator("#check-quote textarea").fill(SAID)
    page.locator("#check").click()
    where = page.locator("#check-result .qa-where-else")
    where.wait_for()
    entries = where.locator(".qa-where-entry")
    assert [e.get_attribute("data-article") for e in entries.all()] == ["pier-first", "pier-later"]
    assert "2024-02-01" in entries.first.inner_text() and "Ola Brandt" in entries.first.inner_text()
    page.screenshot(path=str(screenshots / "where-else.png"))
    where.locator("a.speaker-link").first.click()
    page.locator("#speaker-page .qa-speaker-page[data-speaker='Ola Brandt']").wait_for()


def test_the_library_counts_what_a_search_finds_says_when_nothing_does_and_opens_a_row(
    page: Any, screenshots: Path
) -> None:
    page.get_by_role("tab", name="Library").click()
    search = page.locator("#library-search input, #library-search textarea").first
    search.fill("pier")
    table = page.locator("#articles")
    table.filter(has_text=f"2 of {len(ARTICLES)} articles match").wait_for()
    font = page.evaluate(
        "getComputedStyle(document.querySelector('#articles [data-testid=cell-0-0]')).fontFamily"
    )
    assert "mono" not in font.lower()
    table.locator("[data-testid=cell-0-0]").click()
    page.locator("#library-reader h3.qa-reader-title").filter(has_text="Pier").wait_for()
    page.screenshot(path=str(screenshots / "library-search.png"))
    search.fill("xyz")
    table.filter(has_text="No article matches \u2018xyz\u2019").wait_for()


def test_the_reader_keeps_the_title_in_sight_and_the_sub_heading_apart(page: Any) -> None:
    ask(page, "How many winters did Marta Quill keep the lighthouse lit?")
    page.locator("#chat .bot.message a.cite-link").first.click()
    page.locator("#reader mark.qa-target").wait_for()
    visible = """() => {
      const box = document.querySelector('#reader .qa-reader').closest('.html-container')
        || document.querySelector('#reader');
      const b = box.getBoundingClientRect();
      const inside = (el) => {
        const r = el.getBoundingClientRect();
        return r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
      };
      return box.scrollTop > 0 && inside(document.querySelector('#reader h3.qa-reader-title'))
        && inside(document.querySelector('#reader mark.qa-target'));
    }"""
    page.wait_for_function(visible)
    assert page.locator("#reader h4.qa-subheading").inner_text() == "A long watch"


def test_a_reload_keeps_the_conversation_and_new_chat_forgets_it(page: Any) -> None:
    question = "How many winters did Marta Quill keep the lighthouse lit?"
    ask(page, question)
    page.locator('#answer-files a[download="answer.md"]').wait_for()  # the last step after an answer
    page.reload()
    page.wait_for_selector("#question textarea")
    answer = page.locator("#chat .bot.message").filter(has_text="forty-one winters")
    answer.wait_for()
    assert question in page.locator("#chat").inner_text()
    page.wait_for_function(
        "q => document.querySelector('#citations .qa-cards')?.dataset.question === q", arg=question
    )
    _wait_for_cards(page)  # the restored answer's hover cards: the server still holds it
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length === 0")
    page.reload()
    page.wait_for_selector("#question textarea")
    page.locator("#chat").filter(has_text="articles, ").wait_for()  # the first view again
    assert page.locator("#chat .message").count() == 0


def test_html_in_a_quote_stays_text_in_the_card_the_speaker_page_and_where_else(page: Any) -> None:
    ask(page, "What should you bring to the kite festival?")
    _wait_for_cards(page)
    page.locator("#chat .bot.message a.cite-link").first.hover()
    card = page.locator("#qa-hovercard")
    card.wait_for(state="visible")
    assert EVIL in card.inner_text()
    card.locator("a.where-link").click()  # the card's 'where else' checks the quote
    page.locator("#check-result .qa-where-entry").first.wait_for()
    assert EVIL in page.locator("#check-result").inner_text()
    page.get_by_role("tab", name="Who said what").click()
    choose(page, "quote-speaker", "Rosa Vint")
    page.locator("#speaker-page .qa-speaker-page").filter(has_text="Bring a kite").wait_for()
    assert EVIL in page.locator("#speaker-page").inner_text()
    shown = "#qa-hovercard img, #check-result img, #speaker-page img, #chat img"
    assert page.locator(shown).count() == 0
    assert page.evaluate("window.pwned") is None
