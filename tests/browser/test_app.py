"""The app in headless Chromium: ask, read the cited passages, follow a citation, manage the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web import LocalSite, article_page

pytestmark = pytest.mark.browser

GERASIMOV = (
    "On Wednesday, Moscow announced a major military reshuffle, putting Chief of the General Staff "
    "Valery Gerasimov in charge of its operations in Ukraine."
)
SCRIPT = "<script>window.pwned=1</script>"
IMG = '<img src=x onerror="window.pwned=1">'


def ask(page: Any, question: str) -> Any:
    """Ask in the chat and wait for the cited passages of this question; the last answer's locator."""
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.wait_for_function(
        "q => document.querySelector('#citations .qa-cards')?.dataset.question === q", arg=question
    )
    return page.locator("#chat .bot.message").last


def set_slider(page: Any, elem_id: str, value: str) -> None:
    """Type `value` into a slider's number box until the slider's own state has taken it (its range
    input shows it): on a loaded machine a keystroke was once lost and the question went out with the
    old value. The test fails if three tries do not take."""
    number = page.locator(f"#{elem_id} input[type=number]")
    shown = f"() => document.querySelector('#{elem_id} input[type=range]')?.value === '{value}'"
    for attempt in range(3):
        number.fill(value)
        number.press("Enter")
        number.press("Tab")
        try:
            page.wait_for_function(shown, timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


def pwned(page: Any) -> Any:
    return page.evaluate("window.pwned")


def test_answer_names_gerasimov_and_cites_his_sentence(page: Any, screenshots: Path) -> None:
    answer = ask(page, "Who was put in charge of Russia's operations in Ukraine?")
    assert "Valery Gerasimov" in answer.inner_text()
    assert "Confidence" in answer.inner_text()
    page.locator('#answer-files a[download="answer.md"]').wait_for()
    mark = page.locator("#citations mark.qa-target").first
    assert mark.inner_text() == GERASIMOV
    page.screenshot(path=str(screenshots / "chat.png"))


def test_hovering_a_citation_shows_its_sentence_and_clicking_opens_the_reader(
    page: Any, screenshots: Path
) -> None:
    ask(page, "Who was put in charge of Russia's operations in Ukraine?")
    link = page.locator("#chat .bot.message a.cite-link").first
    assert link.inner_text() == "[1]"
    assert link.get_attribute("title") == f"soledar: {GERASIMOV}"
    link.hover()
    link.click()
    mark = page.locator("#reader mark.qa-target")
    mark.wait_for()
    assert mark.inner_text() == GERASIMOV
    assert page.locator("#reader .qa-reader p").count() > 10
    page.wait_for_function(
        "() => { const m = document.querySelector('#reader mark.qa-target').getBoundingClientRect();"
        " return m.top >= 0 && m.bottom <= window.innerHeight; }"
    )
    page.screenshot(path=str(screenshots / "reader.png"))


def test_follow_up_question_uses_the_conversation(page: Any) -> None:
    first = ask(page, "Who said the main work is yet to come?")
    assert "The main work is yet to come" in first.inner_text()
    follow_up = ask(page, "What else did he say?")
    assert "Huge work has been done in Soledar" in follow_up.inner_text()
    assert "The main work is yet to come" not in follow_up.inner_text()
    speakers = page.locator("#citations .qa-speaker").all_inner_texts()
    assert speakers and "Dmitry Peskov" in speakers[0]


def test_a_claim_and_a_denial_say_who_says_what(page: Any) -> None:
    answer = ask(page, "Did Wagner capture Soledar?")
    said = answer.inner_text().split("Who says what:")[1]
    assert "Wagner claimed its forces had captured Soledar" in said
    assert "Ukraine denied any full takeover" in said
    assert answer.locator("a.cite-link").count() >= 4  # each statement links to its citation


def test_abstention_says_so_plainly(page: Any) -> None:
    answer = ask(page, "What is the capital of Australia?")
    assert "I can't answer that from the articles." in answer.inner_text()
    assert "searched" in answer.inner_text()


def test_new_chat_clears_the_conversation(page: Any) -> None:
    ask(page, "Who was put in charge of Russia's operations in Ukraine?")
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length === 0")
    assert page.locator("#citations .qa-cards").count() == 0


def test_article_html_shows_as_text_and_never_runs(page: Any, screenshots: Path) -> None:
    first = ask(page, "What notice did the harbour master pin to the ferry board?")
    assert SCRIPT in first.inner_text()
    page.wait_for_function("() => document.querySelectorAll('.qa-hovercards .qa-hovercard-data').length")
    first.locator("a.cite-link").first.hover()
    card = page.locator("#qa-hovercard")
    card.wait_for(state="visible")
    assert SCRIPT in card.inner_text() and "Harbour notice" in card.inner_text()
    assert card.locator("script, img").count() == 0
    second = ask(page, "What did the photo tagged on the pier show at dawn?")
    assert f"{IMG} showed the [old pier](javascript:alert(1)) at dawn." in second.inner_text()
    assert second.locator("img").count() == 0
    assert IMG in page.locator("#citations mark.qa-target").first.inner_text()
    page.locator("#citations a.cite-link").first.click()
    page.locator("#reader mark.qa-target").wait_for()
    reader = page.locator("#reader .qa-reader").inner_text()
    assert SCRIPT in reader and IMG in reader
    assert page.locator("#reader img, #citations img, #reader script, #citations script").count() == 0
    assert pwned(page) is None
    page.screenshot(path=str(screenshots / "hostile-article.png"))


LIGHTHOUSE = (
    "# Lighthouse keeper retires\n\n"
    "Marta Quill kept the Skerry Point lighthouse lit for forty-one winters before retiring on Friday.\n"
    "The coastguard said an automatic lamp would replace her.\n"
)


def choose(page: Any, dropdown: str, option: str) -> None:
    """Pick `option` in the Gradio dropdown with element id `dropdown`."""
    page.locator(f"#{dropdown} input").click()
    page.locator(f"#{dropdown} input").fill(option)
    page.locator(".options li", has_text=option).first.click()


def test_upload_ask_and_remove_an_article(page: Any, tmp_path: Path, screenshots: Path) -> None:
    good, bad = tmp_path / "lighthouse.md", tmp_path / "broken.json"
    good.write_text(LIGHTHOUSE, encoding="utf-8")
    bad.write_text("{not json", encoding="utf-8")
    page.get_by_role("tab", name="Library").click()
    page.locator("#upload input[type=file]").set_input_files([str(good), str(bad)])
    report = page.locator("#library-report")
    report.filter(has_text="Failed").wait_for()
    assert "Added (1): Lighthouse keeper retires" in report.inner_text()
    assert "broken.json" in report.inner_text()
    page.locator("#articles").filter(has_text="Lighthouse keeper retires").wait_for()
    page.screenshot(path=str(screenshots / "library.png"))

    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "How many winters did Marta Quill keep the lighthouse lit?")
    assert "forty-one winters" in answer.inner_text()

    page.get_by_role("tab", name="Library").click()
    choose(page, "remove-ids", "Lighthouse keeper retires")
    page.locator("#remove").click()
    report.filter(has_text="Removed").wait_for()
    page.get_by_role("tab", name="Chat").click()
    answer = ask(page, "How many winters did Marta Quill keep the Skerry Point lighthouse lit?")
    assert "forty-one" not in answer.inner_text()


def test_an_article_url_is_added_with_its_source_and_date_then_removed(page: Any, site: LocalSite) -> None:
    paragraphs = [
        "The Ben Cairn observatory reopened on Saturday after its dome was rebuilt, its trust said.",
        "Astronomer Priya Lanark said the new telescope could see the rings of Saturn on a clear night.",
    ]
    url = site.add(
        "/news/observatory",
        article_page(
            "Observatory reopens", paragraphs, site_name="Highland Courier", published="2024-04-06T09:00:00Z"
        ),
    )
    page.get_by_role("tab", name="Library").click()
    page.locator("#add-url-box input, #add-url-box textarea").first.fill(url)
    page.locator("#add-url").click()
    report = page.locator("#library-report")
    report.filter(has_text="Observatory reopens").wait_for()
    assert report.inner_text().startswith("Added (1): Observatory reopens")
    listed = page.locator("#articles").filter(has_text="Observatory reopens")
    listed.wait_for()
    assert "Highland Courier" in listed.inner_text() and "2024-04-06" in listed.inner_text()

    choose(page, "remove-ids", "Observatory reopens")
    page.locator("#remove").click()
    report.filter(has_text="Removed").wait_for()


def test_pasted_article_is_added_by_title(page: Any) -> None:
    page.get_by_role("tab", name="Library").click()
    page.locator("#paste-title textarea, #paste-title input").first.fill("Ferry timetable")
    page.locator("#paste-text textarea").fill(
        "The island ferry will sail twice a day from March, the operator said."
    )
    page.locator("#add-text").click()
    report = page.locator("#library-report")
    report.filter(has_text="Ferry timetable").wait_for()
    assert report.inner_text().startswith(
        ("Added (1): Ferry timetable", "Skipped (unchanged) (1): Ferry timetable")
    )


def test_who_said_what_filters_by_speaker_and_opens_the_quote(page: Any, screenshots: Path) -> None:
    page.get_by_role("tab", name="Who said what").click()
    choose(page, "quote-speaker", "Dmitry Peskov")
    table = page.locator("#quotes")
    page.wait_for_function(
        "() => { const rows = [...document.querySelectorAll('#quotes .virtual-row')];"
        " return rows.length > 0 && rows.every(r => r.innerText.includes('Dmitry Peskov')); }"
    )
    assert "Huge work has been done in Soledar" in table.inner_text()
    table.locator("[data-testid=cell-0-2]").click()
    mark = page.locator("#quote-reader mark.qa-target")
    mark.wait_for()
    assert "Peskov" in mark.inner_text()
    assert page.locator("#quote-reader mark strong").count() == 1
    speakers = page.locator("#speakers").inner_text()
    assert "Dmitry Peskov" in speakers
    record = page.locator("#speaker-page .qa-speaker-page")
    record.wait_for()
    assert record.get_attribute("data-speaker") == "Dmitry Peskov"
    assert record.inner_text().startswith("Dmitry Peskov")
    assert "Huge work has been done in Soledar" in record.inner_text()
    page.locator('#quote-files a[download="quotes.md"]').wait_for()
    names = page.locator("#quote-files a.download-link").evaluate_all("links => links.map(a => a.download)")
    assert sorted(names) == ["quotes.csv", "quotes.json", "quotes.md"]
    page.screenshot(path=str(screenshots / "who-said-what.png"))


def test_settings_limit_citations_and_scope(page: Any) -> None:
    page.locator("#settings").click()
    set_slider(page, "k", "1")
    ask(page, "What did Kremlin spokesman Dmitry Peskov say about Soledar?")
    assert page.locator("#citations .qa-card").count() == 1
    choose(page, "scope", "Harbour notice")
    answer = ask(page, "Who was put in charge of Russia's operations in Ukraine?")
    assert "Gerasimov" not in answer.inner_text()


def test_scope_by_source_and_date(page: Any) -> None:
    page.locator("#settings").click()
    page.locator("#scope-source textarea").fill("No such wire")
    answer = ask(page, "Who was put in charge of Russia's operations in Ukraine?")
    assert "No articles are in the search scope" in answer.inner_text()
    page.locator("#scope-source textarea").fill("")
    page.locator("#scope-since input").fill("last week")
    page.locator("#question textarea").fill("Who was put in charge of Russia's operations in Ukraine?")
    page.locator("#ask").click()
    page.get_by_text("The date must be written YYYY-MM-DD").first.wait_for()
    page.locator("#scope-since input").fill("")
    answer = ask(page, "Who is in charge of Russia's operations in Ukraine?")
    assert "Gerasimov" in answer.inner_text()


def test_check_a_quote_shows_the_verdict_the_marked_diff_and_opens_the_article(
    page: Any, screenshots: Path
) -> None:
    page.get_by_role("tab", name="Check a quote").click()
    page.locator("#check-quote textarea").fill("Huge work has been done in Soledar, truly heroic actions")
    page.locator("#check-speaker textarea, #check-speaker input").first.fill("Ganna Malyar")
    page.locator("#check").click()
    verdict = page.locator("#check-result .qa-verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-verdict") == "close"
    assert verdict.inner_text().startswith("Close, not exact — Not Ganna Malyar: Dmitry Peskov said it")
    first = page.locator("#check-result .qa-match").first
    assert first.locator("del").first.inner_text() == "absolutely selfless"
    assert first.locator("ins").first.inner_text() == "truly"
    page.screenshot(path=str(screenshots / "check-a-quote.png"))
    first.locator("a.check-link").click()
    mark = page.locator("#check-reader mark.qa-target")
    mark.wait_for()
    assert "Huge work has been done in Soledar, absolutely selfless heroic actions" in mark.inner_text()


def test_check_a_quote_nobody_said_says_not_found(page: Any) -> None:
    page.get_by_role("tab", name="Check a quote").click()
    page.locator("#check-quote textarea").fill("We will take Kyiv within three days and then go home")
    page.locator("#check").click()
    verdict = page.locator("#check-result .qa-verdict")
    verdict.wait_for()
    assert verdict.get_attribute("data-verdict") == "not_found"
    assert page.locator("#check-result .qa-match").count() == 0


def test_the_page_fetches_nothing_but_the_app_and_uses_a_system_font(browser: Any, server_url: str) -> None:
    """Offline, a font fetched from the internet never arrives and text falls back mid-word."""
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server_url)
    page.wait_for_selector("#question textarea")
    outside = [
        url for url in requested if not url.startswith(server_url.rstrip("/")) and not url.startswith("data:")
    ]
    family = page.evaluate("getComputedStyle(document.querySelector('h2')).fontFamily")
    context.close()
    assert outside == []
    assert family.startswith("system-ui")


def test_a_citation_of_an_earlier_answer_shows_that_answers_passages(page: Any) -> None:
    first = "Who was put in charge of Russia's operations in Ukraine?"
    ask(page, first)
    ask(page, "What did Kremlin spokesman Dmitry Peskov say about Soledar?")
    page.locator("#chat .bot.message").first.locator("a.cite-link").first.click()
    page.wait_for_function(
        "q => document.querySelector('#citations .qa-cards')?.dataset.question === q", arg=first
    )
    assert "Valery Gerasimov" in page.locator("#reader mark.qa-target").inner_text()
