"""The Gradio app: chat with cited passages and a reader, who said what, the library, a named API.

`build_app(engine)` builds the Blocks (tests use it), `serve` launches it. This module lays out the
components and wires their events to a `ui.session.Session`, which does the work; rendering lives in
`ui.render`. Only the `ui` package imports gradio.

No `from __future__ import annotations` here: `gr.api` reads the API functions' type hints at runtime.
"""

import dataclasses
import importlib.util
import os
import sys
from collections.abc import Iterator
from typing import Any

import gradio as gr
from gradio.events import api as register_api

from index.errors import InputError
from index.models import Quote
from qa.answering.answerer import DEFAULT_CITATIONS
from qa.engine import QAEngine
from qa.models import Turn
from ui import render
from ui.hovercards import HOVERCARD_JS, SPEAKER_PREFIX, WHERE_PREFIX, render_hovercards_html
from ui.page_assets import CITE_JS, CSS, PHONE_NAV, THEME, cite_js, link_js
from ui.render_check import render_check_html
from ui.session import LIBRARY_COLUMNS, Messages, Session, article_choices, library_table
from ui.speaker_page import render_speaker_page

__all__ = ["build_app", "serve"]

MAX_CITATIONS = 8
MAX_UPLOAD = "20mb"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf", ".xml", ".rss", ".atom"]
PROGRESS = gr.Progress()  # Gradio passes a live progress bar to a parameter with this default
# Gradio recomputes the summary of its monitoring page (a pandas table of the last 10,000 events,
# grouped) after every event by default: CPU an answer that grows with the events served. Every 1,000
# events is plenty for that page.
ANALYTICS_EVERY = 1000
QUEUE_UPDATES_EVERY = 1.0  # seconds
# Optional modules tried again and again: matplotlib by gradio, twice an event; thinc's extra CPU
# backends by spaCy, in each event's worker context. When one is not installed, each try searches
# sys.path anew; its absence, recorded in sys.modules, fails at once.
RETRIED_IMPORTS = ("matplotlib", "thinc_apple_ops", "thinc_bigendian_ops")

# -- layout ------------------------------------------------------------------------------------------


def build_app(engine: QAEngine, session: Session | None = None) -> gr.Blocks:
    """The Blocks app over `engine` (through `session`, else a new one): Chat, Who said what and Library
    tabs, and the named API."""
    session = session or Session(engine)
    app: gr.Blocks
    with gr.Blocks(title="News QA — cited answers") as app:
        gr.Markdown(
            "## News QA\nEvery answer is sentences from the articles, each cited [n]: hover or tap a "
            "citation to see the sentence, click it to read it in its article."
        )
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat-tab"):
                chat = _chat_tab(session)
            with gr.Tab("Who said what", id="quotes-tab"):
                quotes = _quotes_tab(session)
            with gr.Tab("Check a quote", id="check-tab"):
                check = _check_tab(session)
            with gr.Tab("Library", id="library-tab"):
                library = _library_tab(session)
        lists = [chat.scope, chat.chatbot, *quotes.lists, *library]
        for event in library.changed:
            event.then(lambda: _lists(session), outputs=lists, api_visibility="private")
        app.load(lambda: _lists(session), outputs=lists, api_visibility="private")
        # A reload shows the conversation kept in the browser (its answers while this server holds them).
        app.load(session.restore, chat.saved, chat.restored, api_visibility="private")
        _links(session, tabs, chat.links, quotes, check)
        _api(session)
    return app


def _lists(session: Session) -> tuple[Any, ...]:
    """Everything that lists articles or quotes, re-read from the store (after a library change)."""
    articles = session.article_rows()
    choices = article_choices(articles)  # the same articles, read once
    rows, refs, speakers = session.quote_table(None, None, "")
    return (
        gr.Dropdown(choices=choices, value=[]),
        gr.Chatbot(placeholder=session.example_prompt()),
        gr.Dropdown(choices=session.speaker_choices(), value=None),
        gr.Dropdown(choices=choices, value=None),
        rows,
        refs,
        speakers,
        library_table(articles, session.article_count()),
        gr.Dropdown(choices=choices, value=[]),
    )


def _links(session: Session, tabs: Any, links: Any, quotes: "_Quotes", check: "_Check") -> None:
    """A speaker's name anywhere opens their page; 'where else was this said?' checks the words."""

    def open_speaker(evt: gr.EventData) -> tuple[Any, Any]:
        name = str(getattr(evt, "value", "")).strip()
        return gr.Tabs(selected="quotes-tab"), gr.Dropdown(value=name) if name else gr.skip()

    links.speaker(open_speaker, outputs=[tabs, quotes.speaker], api_visibility="private")

    def look_where(evt: gr.EventData) -> tuple[Any, str, str, str, list[str]]:
        text = str(getattr(evt, "value", "")).strip()
        result, files = session.check_quote_html(text, "")
        return gr.Tabs(selected="check-tab"), text, "", result, files

    links.where(
        look_where,
        outputs=[tabs, check.quote, check.speaker, check.result, check.files],
        api_visibility="private",
    )


@dataclasses.dataclass
class _Chat:
    """The chat tab's parts the app wires: the scope and chat (re-listed after a library change), the
    conversation kept in the browser and what a reload restores from it (`Session.restore`)."""

    scope: Any
    chatbot: Any
    saved: Any
    restored: list[Any]
    links: Any  # the component whose 'speaker' and 'where' events the page's links send


def _chat_tab(session: Session) -> _Chat:
    gr.HTML(PHONE_NAV, elem_id="phone-nav-box", padding=False, js_on_load=None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(
                elem_id="chat",
                height=560,
                latex_delimiters=[],
                feedback_options=None,
                buttons=["copy", "copy_all"],
                label="Chat",
                placeholder=session.example_prompt(),
            )
            with gr.Row():
                question = gr.Textbox(
                    elem_id="question", placeholder="Ask a question…", show_label=False, scale=5, max_lines=3
                )
                ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
            new_chat = gr.Button("New chat", elem_id="new-chat", size="sm")
            answer_files = gr.File(
                label="Download the last answer (Markdown, CSV, JSON)",
                file_count="multiple",
                elem_id="answer-files",
                visible=False,
            )
            with gr.Accordion("Settings", open=False, elem_id="settings"):
                k = gr.Slider(
                    1,
                    MAX_CITATIONS,
                    value=DEFAULT_CITATIONS,
                    step=1,
                    label="Citations per answer",
                    elem_id="k",
                )
                scope = gr.Dropdown(
                    choices=[],
                    multiselect=True,
                    label="Search only these articles (empty: all)",
                    elem_id="scope",
                )
                with gr.Row():
                    source = gr.Textbox(label="Only from this source (empty: any)", elem_id="scope-source")
                    since = gr.Textbox(
                        label="Only published on or after (YYYY-MM-DD)", elem_id="scope-since", max_lines=1
                    )
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Cited passages")
            cards = gr.HTML(
                render.render_citations_html(None, session.engine),
                elem_id="citations",
                max_height=420,
                js_on_load=None,
            )
            gr.Markdown("### Reader")
            reader = gr.HTML(
                render.render_reader_html(None, [], None),
                elem_id="reader",
                max_height=480,
                js_on_load=CITE_JS,
            )
    # Hidden, on the tab shown first so that its listeners run from the start: the hover cards, and the
    # links found anywhere to a speaker's page and to where else some words were said.
    hovercards = gr.HTML(
        render_hovercards_html([], session.engine),
        elem_id="hovercards",
        js_on_load=HOVERCARD_JS
        + link_js("speaker-link", SPEAKER_PREFIX, "speaker", "__qaSpeakerListener")
        + link_js("where-link", WHERE_PREFIX, "where", "__qaWhereListener"),
    )
    turns = gr.State([])
    saved = gr.BrowserState({"id": "", "messages": []}, storage_key="newsqa-conversation")
    inputs = [question, chatbot, turns, k, scope, source, since, saved]
    # One event an answer: its last update brings the cards, hover cards, saved conversation and files.
    outputs = [chatbot, turns, cards, question, hovercards, saved, answer_files]
    for event in (question.submit, ask.click):
        event(session.respond, inputs, outputs, api_visibility="private")
    reader.cite(_open_cited(session), inputs=turns, outputs=[reader, cards], api_visibility="private")

    def start_over() -> tuple[Messages, list[Turn], str, str, str, str, Any, Any]:
        empty_cards = render.render_citations_html(None, session.engine)
        empty = render.render_reader_html(None, [], None)
        no_cards = render_hovercards_html([], session.engine)
        return (
            [],
            [],
            empty_cards,
            empty,
            "",
            no_cards,
            {"id": "", "messages": []},
            gr.File(None, visible=False),
        )

    # "New chat" and the chat's own clear button both forget the conversation, not just its display.
    for clear in (new_chat.click, chatbot.clear):
        clear(
            start_over,
            outputs=[chatbot, turns, cards, reader, question, hovercards, saved, answer_files],
            api_visibility="private",
        )
    return _Chat(scope, chatbot, saved, [chatbot, turns, cards, hovercards, answer_files], hovercards)


def _open_cited(session: Session) -> Any:
    """A citation click: the reader at its sentence, and the cited passages of the answer it belongs to
    (an earlier answer's citation shows that answer's passages)."""

    def open_cited(turns: list[Turn], evt: gr.EventData) -> tuple[str, Any]:
        ref = str(getattr(evt, "ref", ""))
        cards = session.cards_of_citation(ref, turns or [])
        return session.open_reader(ref), cards if cards is not None else gr.skip()

    return open_cited


def _open_ref(session: Session) -> Any:
    def open_ref(evt: gr.EventData) -> str:
        return session.open_reader(str(getattr(evt, "ref", "")))

    return open_ref


@dataclasses.dataclass
class _Quotes:
    """The Who said what tab: its speaker choice, the speaker page, and its lists re-read after a
    library change."""

    speaker: Any
    page: Any
    lists: list[Any]


def _quotes_tab(session: Session) -> _Quotes:
    with gr.Row():
        speaker = gr.Dropdown(
            choices=[],
            label="Speaker (most quoted first; type any name)",
            elem_id="quote-speaker",
            allow_custom_value=True,
        )
        article = gr.Dropdown(choices=[], label="Article", elem_id="quote-article")
        text = gr.Textbox(label="Search the quotes", elem_id="quote-search")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            page = gr.HTML(
                render_speaker_page(None, []),
                elem_id="speaker-page",
                max_height=640,
                js_on_load=None,
            )
            table = gr.Dataframe(
                headers=["Speaker", "Role", "Quote", "Article"],
                datatype=["str"] * 4,
                column_widths=["18%", "18%", "44%", "20%"],
                interactive=False,
                wrap=True,
                elem_id="quotes",
                label="Quotes (click one to read it in its article)",
            )
            quote_files = gr.File(
                label="Download the quotes listed (Markdown, CSV, JSON)",
                file_count="multiple",
                elem_id="quote-files",
            )
            speakers = gr.Dataframe(
                headers=["Speaker", "Quotes", "Articles"],
                datatype=["str", "number", "number"],
                column_widths=["60%", "20%", "20%"],
                interactive=False,
                elem_id="speakers",
                label="Speakers (click one to see their page)",
            )
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Reader")
            reader = gr.HTML(
                render.render_reader_html(None, [], None),
                elem_id="quote-reader",
                max_height=560,
                js_on_load=cite_js("quote-link", "__qaQuoteListener"),
            )
    refs = gr.State([])
    for control in (speaker.change, article.change, text.submit):
        control(
            session.quote_table, [speaker, article, text], [table, refs, speakers], api_visibility="private"
        ).then(session.export_quotes, [refs, speaker], quote_files, api_visibility="private")
    speaker.change(session.speaker_page, speaker, page, api_visibility="private")

    def open_quote(shown: list[Quote], evt: gr.SelectData) -> Any:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return session.open_quote(shown[row]) if 0 <= row < len(shown) else gr.skip()

    def choose_speaker(evt: gr.SelectData) -> Any:
        name = evt.row_value[0] if isinstance(evt.row_value, list | tuple) and evt.row_value else None
        return gr.Dropdown(value=name) if name else gr.skip()

    table.select(open_quote, refs, reader, api_visibility="private")
    speakers.select(choose_speaker, None, speaker, api_visibility="private")
    reader.cite(_open_ref(session), outputs=reader, api_visibility="private")
    return _Quotes(speaker, page, [speaker, article, table, refs, speakers])


@dataclasses.dataclass
class _Check:
    quote: Any
    speaker: Any
    result: Any
    files: Any


def _check_tab(session: Session) -> _Check:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            with gr.Row():
                quote = gr.Textbox(
                    label="Words to check", lines=3, elem_id="check-quote", scale=4,
                    placeholder="Paste a quote as you heard or read it",
                )  # fmt: skip
                speaker = gr.Textbox(label="Said by (optional)", elem_id="check-speaker", scale=2)
            check = gr.Button("Check", variant="primary", elem_id="check")
            result = gr.HTML(
                render_check_html(None),
                elem_id="check-result",
                js_on_load=None,
            )
            files = gr.File(
                label="Download (Markdown, CSV, JSON)", file_count="multiple", elem_id="check-files"
            )
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Reader")
            reader = gr.HTML(
                render.render_reader_html(None, [], None),
                elem_id="check-reader",
                max_height=560,
                js_on_load=cite_js("check-link", "__qaCheckListener"),
            )
    for event in (check.click, quote.submit):
        event(session.check_quote_html, [quote, speaker], [result, files], api_visibility="private")
    reader.cite(_open_ref(session), outputs=reader, api_visibility="private")
    return _Check(quote, speaker, result, files)


@dataclasses.dataclass
class _Library:
    """The library tab's outputs refreshed after a change, and the events that change the store."""

    articles: Any
    remove_ids: Any
    changed: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter([self.articles, self.remove_ids])


def _library_tab(session: Session) -> _Library:
    search = gr.Textbox(label="Search by title", elem_id="library-search", max_lines=1)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            articles = gr.Dataframe(
                headers=LIBRARY_COLUMNS,
                interactive=False,
                wrap=True,
                elem_id="articles",
                label="Indexed articles (click one to read it)",
            )
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Reader")
            reader = gr.HTML(
                render.render_reader_html(None, [], None),
                elem_id="library-reader",
                max_height=560,
                js_on_load=None,
            )
    report = gr.Markdown(elem_id="library-report")
    with gr.Row(equal_height=False):
        with gr.Column():
            files = gr.File(
                label="Upload articles (.txt .md .html .json .jsonl .pdf) or feeds (.xml .rss .atom)",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
            )
            url = gr.Textbox(
                label="Article or feed URL", placeholder="https://", elem_id="add-url-box", max_lines=1
            )
            add_url = gr.Button("Add from the web", elem_id="add-url")
        with gr.Column():
            title = gr.Textbox(label="Title", elem_id="paste-title")
            text = gr.Textbox(label="Article text", lines=6, elem_id="paste-text")
            add_text = gr.Button("Add pasted article", elem_id="add-text")
        with gr.Column():
            remove_ids = gr.Dropdown(
                choices=[], multiselect=True, label="Articles to remove", elem_id="remove-ids"
            )
            remove = gr.Button("Remove", variant="stop", elem_id="remove")

    def upload(paths: list[str] | None, progress: Any = PROGRESS) -> tuple[str, None]:
        return session.add_files(paths or [], progress), None

    def fetch(address: str, progress: Any = PROGRESS) -> str:
        return session.add_url(address, progress)

    def open_row(title: str, evt: gr.SelectData) -> Any:
        row = evt.row_value if isinstance(evt.row_value, list | tuple) else []
        shown = session.open_listed(title or "", row) if row else None
        return shown if shown is not None else gr.skip()

    search.change(session.library, search, articles, api_visibility="private")
    articles.select(open_row, search, reader, api_visibility="private")
    changed = [
        files.upload(upload, files, [report, files], api_visibility="private"),
        add_text.click(session.add_text, [title, text], report, api_visibility="private"),
        add_url.click(fetch, url, report, api_visibility="private"),
        url.submit(fetch, url, report, api_visibility="private"),
        remove.click(session.remove, remove_ids, report, api_visibility="private"),
    ]
    return _Library(articles, remove_ids, changed)


def _api(session: Session) -> None:
    """The named endpoints for `gradio_client`: /ask, /quotes, /articles, /add_articles, /check_quote."""
    register_api(session.api_ask, api_name="ask")
    register_api(session.api_quotes, api_name="quotes")
    register_api(session.api_articles, api_name="articles")
    register_api(session.api_add_articles, api_name="add_articles")
    register_api(session.api_check_quote, api_name="check_quote")


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """`user:password` as a pair for Gradio's login.

    Raises:
        InputError: `auth` has no colon or an empty user or password.
    """
    if not auth:
        return None
    user, _, password = auth.partition(":")
    if not user or not password:
        raise InputError("--auth (or QA_AUTH) must be user:password, both non-empty.")
    return user, password


def _lighten_events() -> None:
    """Cut gradio's own work around each event that this app does not use (read when the queue is made)."""
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(ANALYTICS_EVERY))
    for name in RETRIED_IMPORTS:
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            sys.modules[name] = None  # type: ignore[assignment]  # `import name` now fails at once


def serve(engine: QAEngine, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> None:
    """Load the model, then serve the app until interrupted (binds 127.0.0.1 unless told otherwise)."""
    credentials = parse_auth(auth)
    _lighten_events()
    session = Session(engine)
    session.warm_up()
    app = build_app(engine, session)
    # Queue positions are sent to the waiting every second rather than to every waiting event at each
    # start ("auto"): with 50 waiting that was 50 messages an answer, in the server's one event loop.
    app.queue(default_concurrency_limit=4, status_update_rate=QUEUE_UPDATES_EVERY)
    app.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        max_file_size=MAX_UPLOAD,
        css=CSS,
        theme=THEME,
        show_error=True,
        quiet=True,
    )
