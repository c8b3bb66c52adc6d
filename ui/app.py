"""The Gradio app: chat with cited passages and a reader, who said what, the library, a named API.

The one module importing gradio. `build_app(engine)` builds the Blocks (tests use it), `serve` launches
it. Rendering lives in `ui.render`; this module lays out components and wires events to the engine.

No `from __future__ import annotations` here: `gr.api` reads the API functions' type hints at runtime.
"""

import dataclasses
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.events import api as register_api

from index.errors import InputError, QAError
from index.ingest import Failure, article_from_record
from index.models import Quote
from index.pipeline import IndexReport
from qa.contract import answer_record, article_record, quote_record
from qa.engine import DEFAULT_CITATIONS, QAEngine, check_question
from qa.models import Answer, Turn
from ui import render

__all__ = ["build_app", "serve"]

MAX_CITATIONS = 8
# Lists in the page (articles, quotes, speakers) show at most this many rows: a store of 100k articles
# would send megabytes to the browser on every load. The CLI and the API list everything.
LIST_LIMIT = 1000
MAX_UPLOAD = "20mb"
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]
PROGRESS = gr.Progress()  # Gradio passes a live progress bar to a parameter with this default
SEARCHING = "*Searching the articles…*"
Messages = list[dict[str, Any]]

CSS = """
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--background-fill-primary); }
.qa-card-head { font-weight: 600; }
.qa-n { color: var(--body-text-color-subdued); }
.qa-meta, .qa-speaker { color: var(--body-text-color-subdued); font-size: 0.9em; }
.qa-passage { margin: 6px 0; line-height: 1.5; }
.qa-reader p { line-height: 1.55; margin: 0 0 0.8em; }
.qa-empty { color: var(--body-text-color-subdued); padding: 8px; }
mark.qa-target { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
a.cite-link { cursor: pointer; text-decoration: none; font-weight: 600; }
"""

# Scrolls the reader box (not the page) to its highlighted sentence each time a new place is shown, then
# brings the box into view.
_SCROLL_JS = """
const scrollToTarget = () => {
  const mark = element.querySelector('mark.qa-target');
  if (!mark) { return; }
  const box = mark.closest('.html-container') || element;
  box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  box.scrollIntoView({block: 'nearest'});
};
watch('value', scrollToTarget);
"""

# One document-level listener (replaced, not duplicated, when the reader re-mounts): a click on any [n]
# link, in the chat or on a card, sends its href (a `ReaderTarget`) to Python as the reader's 'cite' event.
_CITE_JS = (
    _SCROLL_JS
    + """
if (window.__qaCiteListener) { document.removeEventListener('click', window.__qaCiteListener, true); }
window.__qaCiteListener = (event) => {
  const link = event.target.closest && event.target.closest('a.cite-link');
  const ref = link && link.getAttribute('href');
  if (!ref || !ref.startsWith('#qa-ref=')) { return; }
  event.preventDefault();
  event.stopPropagation();
  trigger('cite', {ref: ref});
};
document.addEventListener('click', window.__qaCiteListener, true);
"""
)


class Session:
    """The app's calls into the engine, serialised by one lock (the store is not shared across threads)."""

    def __init__(self, engine: QAEngine) -> None:
        self.engine = engine
        self.lock = threading.Lock()

    # -- chat ------------------------------------------------------------------------------------

    def respond(
        self,
        question: str,
        messages: Messages,
        turns: list[Turn],
        k: float,
        scope: list[str] | None,
        source: str = "",
        since: str = "",
    ) -> Iterator[tuple[Messages, list[Turn], str, str]]:
        """Stream an answer into the chat: the question, 'searching', then the cited sentences one by one."""
        messages, turns = list(messages or []), list(turns or [])
        try:
            question = check_question(question or "")
            searched = self.scope(scope, source, since)
        except InputError as error:
            gr.Warning(str(error))
            yield messages, turns, gr.skip(), question
            return
        messages.append({"role": "user", "content": render.render_question_markdown(question)})
        yield [*messages, {"role": "assistant", "content": SEARCHING}], turns, gr.skip(), ""
        answer = self.ask(question, turns, int(k), searched)
        for shown in range(1, len(answer.citations)):
            partial = dataclasses.replace(answer, citations=answer.citations[:shown])
            yield [*messages, _assistant(partial)], turns, gr.skip(), ""
        messages.append(_assistant(answer))
        with self.lock:
            cards = render.render_citations_html(answer, self.engine)
        yield messages, [*turns, Turn(question, answer)], cards, ""

    def scope(self, articles: Sequence[str] | None, source: str | None, since: str | None) -> set[str] | None:
        """The article ids to search (None: all). Raises InputError for a date that is not YYYY-MM-DD."""
        with self.lock:
            return self.engine.scope(articles, (source or "").strip(), (since or "").strip())

    def ask(self, question: str, turns: Sequence[Turn], k: int, scope: set[str] | None) -> Answer:
        """The engine's answer; a user mistake becomes a visible gr.Error."""
        try:
            with self.lock:
                return self.engine.ask(question, history=turns, k=max(1, k), scope=scope)
        except QAError as error:
            raise gr.Error(str(error)) from None

    def open_reader(self, ref: str) -> str:
        """The reader pane at a citation link's place (a citation or a quote)."""
        try:
            target = render.parse_target(ref)
        except ValueError:
            return render.render_reader_html(None, [], None)
        with self.lock:
            article = self.engine.article(target.article_id)
            sentences = self.engine.sentences(target.article_id) if article else []
        return render.render_reader_html(article, sentences, target)

    # -- who said what ---------------------------------------------------------------------------

    def quote_table(
        self, speaker: str | None, article_id: str | None, text: str
    ) -> tuple[list[list[str]], list[Quote], list[list[Any]]]:
        """Rows (speaker, role, quote, article) matching the filters, their quotes, and the speaker view."""
        with self.lock:
            store = self.engine.store
            shown = store.find_quotes(speaker, article_id, text, LIST_LIMIT)
            titles = store.titles(list({q.article_id for q in shown}))
            speakers = [list(row) for row in store.speakers(LIST_LIMIT)]
        rows = [
            [q.speaker or "(unknown)", q.role or "", q.text, titles.get(q.article_id, q.article_id)]
            for q in shown
        ]
        return rows, shown, speakers

    def open_quote(self, quote: Quote) -> str:
        """The reader pane at a quote: its sentences highlighted, the quoted words in bold."""
        with self.lock:
            article = self.engine.article(quote.article_id)
            sentences = self.engine.sentences(quote.article_id) if article else []
        return render.render_reader_html(article, sentences, render.quote_target(quote, sentences))

    # -- library ---------------------------------------------------------------------------------

    def article_rows(self) -> list[list[Any]]:
        """The newest `LIST_LIMIT` articles."""
        with self.lock:
            infos = self.engine.articles(newest=LIST_LIMIT)
        return [[a.title, a.source, a.published, a.sentences, a.quotes, a.id] for a in infos]

    def article_choices(self) -> list[tuple[str, str]]:
        return _article_choices(self.article_rows())

    def article_count(self) -> int:
        with self.lock:
            return self.engine.store.count()

    def speaker_choices(self) -> list[str]:
        """The `LIST_LIMIT` most quoted speakers, by name."""
        with self.lock:
            return sorted(name for name, _, _ in self.engine.store.speakers(LIST_LIMIT))

    def add_files(self, paths: Sequence[str], progress: Any = None) -> str:
        """Index uploaded files; the report names each by its file name or article title."""
        if not paths:
            return "Choose one or more files to add."
        with self.lock:
            report = self.engine.add_paths(list(paths), progress=_progress_callback(progress))
            return self._report(report, folders=[str(Path(p).parent) for p in paths])

    def add_text(self, title: str, text: str) -> str:
        """Index one pasted article."""
        try:
            article = article_from_record({"title": title, "text": text})
        except InputError as error:
            return render.render_index_report([], [], [], [Failure(title or "pasted text", str(error))])
        with self.lock:
            return self._report(self.engine.add_articles([article]))

    def remove(self, ids: Sequence[str]) -> str:
        if not ids:
            return "Choose the articles to remove."
        with self.lock:
            titles = self.engine.store.titles(list(ids))
            try:
                report = self.engine.remove(list(ids))
            except QAError as error:
                return render.escape_markdown(str(error))
        return "**Removed**: " + "; ".join(render.escape_markdown(titles.get(i, i)) for i in report.removed)

    def _report(self, report: IndexReport, folders: Sequence[str] = ()) -> str:
        titles = self.engine.store.titles([*report.added, *report.updated, *report.unchanged])

        def name(article_id: str) -> str:
            return titles.get(article_id, article_id)

        failed = [Failure(_strip_folders(f.where, folders), f.message) for f in report.failed]
        return render.render_index_report(
            map(name, report.added), map(name, report.updated), map(name, report.unchanged), failed
        )

    # -- the API ---------------------------------------------------------------------------------

    def api_ask(
        self,
        question: str,
        k: int = DEFAULT_CITATIONS,
        scope: list[str] | None = None,
        source: str = "",
        since: str = "",
    ) -> dict[str, Any]:
        """Answer a question: the JSON answer record of DESIGN.md (citations best first), searching the
        `scope` article ids (all when empty) from `source`, published on or after `since` (YYYY-MM-DD)."""
        try:
            question = check_question(question)
            searched = self.scope(scope, source, since)
        except InputError as error:
            raise gr.Error(str(error)) from None
        return answer_record(self.ask(question, (), k, searched))

    def api_quotes(self, speaker: str = "", article_id: str = "") -> list[dict[str, Any]]:
        """Who said what: quote records, optionally for one speaker (any of their names) or article."""
        with self.lock:
            return [quote_record(q) for q in self.engine.quotes(speaker or None, article_id or None)]

    def api_articles(self) -> list[dict[str, Any]]:
        """The indexed articles."""
        with self.lock:
            return [article_record(a) for a in self.engine.articles()]

    def api_add_articles(self, articles: list[dict[str, Any]]) -> dict[str, Any]:
        """Add or update articles given as JSON objects ({"id"?, "title"?, "text", "source"?, "url"?,
        "published"?}); returns the ids added, updated, unchanged and the failures."""
        good, failed = [], []
        for i, record in enumerate(articles):
            try:
                good.append(article_from_record(record))
            except InputError as error:
                failed.append(Failure(f"articles[{i}]", str(error)))
        with self.lock:
            report = self.engine.add_articles(good, report=IndexReport(failed=failed))
        return {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": [str(f) for f in report.failed],
        }


def _assistant(answer: Answer) -> dict[str, Any]:
    return {"role": "assistant", "content": render.render_answer_markdown(answer)}


def _strip_folders(where: str, folders: Sequence[str]) -> str:
    """An upload's name without Gradio's temporary folder."""
    for folder in folders:
        where = where.replace(folder + "/", "")
    return where


def _progress_callback(progress: Any) -> Any:
    if progress is None:
        return None

    def show(done: int, total: int) -> None:
        progress((done, total), desc="Indexing", unit="articles")

    return show


# -- layout ------------------------------------------------------------------------------------------


def build_app(engine: QAEngine) -> gr.Blocks:
    """The Blocks app over `engine`: Chat, Who said what and Library tabs, and the named API."""
    session = Session(engine)
    app: gr.Blocks
    with gr.Blocks(title="News QA — cited answers") as app:
        gr.Markdown(
            "## News QA\nEvery answer is sentences from the articles, each cited [n]: hover a citation to "
            "see the sentence, click it to read it in its article."
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                scope = _chat_tab(session)
            with gr.Tab("Who said what", id="quotes-tab"):
                quotes = _quotes_tab(session)
            with gr.Tab("Library", id="library-tab"):
                library = _library_tab(session)
        lists = [scope, *quotes, *library]
        for event in library.changed:
            event.then(lambda: _lists(session), outputs=lists, api_visibility="private")
        app.load(lambda: _lists(session), outputs=lists, api_visibility="private")
        _api(session)
    return app


def _lists(session: Session) -> tuple[Any, ...]:
    """Everything that lists articles or quotes, re-read from the store (after a library change)."""
    articles = session.article_rows()
    choices = _article_choices(articles)  # the same articles, read once
    rows, refs, speakers = session.quote_table(None, None, "")
    return (
        gr.Dropdown(choices=choices, value=[]),
        gr.Dropdown(choices=session.speaker_choices(), value=None),
        gr.Dropdown(choices=choices, value=None),
        rows,
        refs,
        speakers,
        gr.Dataframe(value=articles, label=_articles_label(session.article_count())),
        gr.Dropdown(choices=choices, value=[]),
    )


def _article_choices(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    """Dropdown choices "title (id)" → id from `Session.article_rows` rows."""
    return [(f"{row[0]} ({row[-1]})", row[-1]) for row in rows]


def _articles_label(count: int) -> str:
    if count > LIST_LIMIT:
        return f"Indexed articles: the newest {LIST_LIMIT:,} of {count:,} (`qa articles` lists them all)"
    return "Indexed articles"


def _chat_tab(session: Session) -> Any:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chat",
                height=560,
                latex_delimiters=[],
                feedback_options=None,
                buttons=["copy", "copy_all"],
                label="Chat",
                placeholder="Ask about the articles, e.g. *Who was put in charge of Russia's operations?*",
            )
            with gr.Row():
                question = gr.Textbox(
                    elem_id="question", placeholder="Ask a question…", show_label=False, scale=5, max_lines=3
                )
                ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
            new_chat = gr.Button("New chat", elem_id="new-chat", size="sm")
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
        with gr.Column(scale=2):
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
                js_on_load=_CITE_JS,
            )
    turns = gr.State([])
    inputs = [question, chatbot, turns, k, scope, source, since]
    outputs = [chatbot, turns, cards, question]
    for event in (question.submit, ask.click):
        event(session.respond, inputs, outputs, api_visibility="private")
    reader.cite(_open_ref(session), outputs=reader, api_visibility="private")

    def start_over() -> tuple[Messages, list[Turn], str, str, str]:
        empty_cards = render.render_citations_html(None, session.engine)
        return [], [], empty_cards, render.render_reader_html(None, [], None), ""

    # "New chat" and the chat's own clear button both forget the conversation, not just its display.
    for clear in (new_chat.click, chatbot.clear):
        clear(start_over, outputs=[chatbot, turns, cards, reader, question], api_visibility="private")
    return scope


def _open_ref(session: Session) -> Any:
    def open_ref(evt: gr.EventData) -> str:
        return session.open_reader(str(getattr(evt, "ref", "")))

    return open_ref


def _quotes_tab(session: Session) -> list[Any]:
    with gr.Row():
        speaker = gr.Dropdown(choices=[], label="Speaker", elem_id="quote-speaker", allow_custom_value=False)
        article = gr.Dropdown(choices=[], label="Article", elem_id="quote-article")
        text = gr.Textbox(label="Search the quotes", elem_id="quote-search")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            table = gr.Dataframe(
                headers=["Speaker", "Role", "Quote", "Article"],
                datatype=["str"] * 4,
                column_widths=["18%", "18%", "44%", "20%"],
                interactive=False,
                wrap=True,
                elem_id="quotes",
                label="Quotes (click one to read it in its article)",
            )
            speakers = gr.Dataframe(
                headers=["Speaker", "Quotes", "Articles"],
                datatype=["str", "number", "number"],
                interactive=False,
                elem_id="speakers",
                label="Speakers",
            )
        with gr.Column(scale=2):
            reader = gr.HTML(
                render.render_reader_html(None, [], None),
                elem_id="quote-reader",
                max_height=560,
                js_on_load=_SCROLL_JS,
            )
    refs = gr.State([])
    for control in (speaker, article):
        control.change(
            session.quote_table, [speaker, article, text], [table, refs, speakers], api_visibility="private"
        )
    text.submit(
        session.quote_table, [speaker, article, text], [table, refs, speakers], api_visibility="private"
    )

    def open_quote(shown: list[Quote], evt: gr.SelectData) -> Any:
        row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
        return session.open_quote(shown[row]) if 0 <= row < len(shown) else gr.skip()

    table.select(open_quote, refs, reader, api_visibility="private")
    return [speaker, article, table, refs, speakers]


@dataclasses.dataclass
class _Library:
    """The library tab's outputs refreshed after a change, and the events that change the store."""

    articles: Any
    remove_ids: Any
    changed: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter([self.articles, self.remove_ids])


def _library_tab(session: Session) -> _Library:
    articles = gr.Dataframe(
        headers=["Title", "Source", "Date", "Sentences", "Quotes", "ID"],
        datatype=["str", "str", "str", "number", "number", "str"],
        interactive=False,
        wrap=True,
        elem_id="articles",
        label="Indexed articles",
    )
    report = gr.Markdown(elem_id="library-report")
    with gr.Row(equal_height=False):
        with gr.Column():
            files = gr.File(
                label="Upload articles (.txt .md .html .json .jsonl)",
                file_count="multiple",
                file_types=UPLOAD_TYPES,
                elem_id="upload",
            )
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

    changed = [
        files.upload(upload, files, [report, files], api_visibility="private"),
        add_text.click(session.add_text, [title, text], report, api_visibility="private"),
        remove.click(session.remove, remove_ids, report, api_visibility="private"),
    ]
    return _Library(articles, remove_ids, changed)


def _api(session: Session) -> None:
    """The named endpoints for `gradio_client`: /ask, /quotes, /articles, /add_articles."""
    register_api(session.api_ask, api_name="ask")
    register_api(session.api_quotes, api_name="quotes")
    register_api(session.api_articles, api_name="articles")
    register_api(session.api_add_articles, api_name="add_articles")


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


def serve(engine: QAEngine, host: str = "127.0.0.1", port: int = 7860, auth: str | None = None) -> None:
    """Load the model, then serve the app until interrupted (binds 127.0.0.1 unless told otherwise)."""
    credentials = parse_auth(auth)
    engine.warm_up()
    app = build_app(engine)
    app.queue(default_concurrency_limit=4)
    app.launch(
        server_name=host,
        server_port=port,
        auth=credentials,
        max_file_size=MAX_UPLOAD,
        css=CSS,
        show_error=True,
        quiet=True,
    )
