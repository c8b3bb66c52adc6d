"""The page's state and actions: each event's call into the engine, serialised by one lock (the store is
not shared across threads), and the named API's functions. `ui.app` lays the page out around them.

No `from __future__ import annotations` here: `gr.api` reads the API functions' type hints at runtime.
"""

import dataclasses
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import gradio as gr

from index.errors import InputError, QAError
from index.fetch import is_url
from index.ingest import Failure, article_from_record, where
from index.models import Quote
from index.pipeline import IndexReport
from qa.answering.answerer import DEFAULT_CITATIONS, check_question
from qa.engine import QAEngine
from qa.factcheck.where_else import where_else
from qa.formats.contract import answer_record, article_record, check_record, quote_record
from qa.formats.export import FORMATS, Format, export_answer, export_check, export_quotes
from qa.models import Answer, Turn
from ui import render
from ui.askers import Askers
from ui.hovercards import render_hovercards_html
from ui.render_check import render_check_html
from ui.speaker_page import render_speaker_page

__all__ = [
    "LIBRARY_COLUMNS",
    "LIST_LIMIT",
    "Messages",
    "Saved",
    "Session",
    "article_choices",
    "articles_label",
    "library_table",
]

# Lists in the page (articles, quotes, speakers) show at most this many rows: a store of 100k articles
# would send megabytes to the browser on every load. The CLI and the API list everything.
LIST_LIMIT = 1000
SEARCHING = "*Searching the articles…*"
Messages = list[dict[str, Any]]
# What the browser keeps of a conversation across reloads (Gradio's BrowserState, in localStorage): its
# id and the chat messages; the answers themselves stay in the server's memory under that id.
Saved = dict[str, Any]
CONVERSATIONS_KEPT = 500
# The library table's columns (those of `Session.article_rows` but the id, which only the remove list
# shows); File or URL, Source and Date are left out when no article listed has one.
LIBRARY_COLUMNS = ["Title", "File or URL", "Source", "Date", "Sentences", "Quotes"]
_LIBRARY_TYPES: list[Literal["str", "number"]] = ["str", "str", "str", "str", "number", "number"]
_OPTIONAL_COLUMNS = (1, 2, 3)
_LIBRARY_WEIGHTS = [44, 18, 12, 11, 8, 7]  # shares of the table's width, before dropping columns


class Session:
    """The app's calls into the engine, serialised by one lock (the store is not shared across threads),
    but for questions, answered and rendered side by side by engines of their own (`ui.askers`)."""

    def __init__(self, engine: QAEngine) -> None:
        self.engine = engine
        self.lock = threading.Lock()  # around every call into `engine`; questions go to `askers`
        self.askers = Askers(engine)
        self.conversations: OrderedDict[str, list[Turn]] = OrderedDict()
        self._kept = threading.Lock()  # around `conversations`

    def warm_up(self) -> None:
        """Load the models and vectors now rather than on the first question."""
        self.engine.warm_up()
        self.askers.warm_up()

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
        saved: Saved | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream an answer into the chat: the question, 'searching', then the cited sentences one by one;
        with the last, everything else the answer changes, in the same event: the cited passages, the
        hover cards, the conversation kept in the browser (`save`) and the download of the answer."""
        messages, turns = list(messages or []), list(turns or [])
        unchanged = (gr.skip(), gr.skip(), gr.skip())  # the hover cards, the saved conversation, the files
        try:
            question = check_question(question or "")
            searched = self.scope(scope, source, since)
        except InputError as error:
            gr.Warning(str(error))
            yield messages, turns, gr.skip(), question, *unchanged
            return
        messages.append({"role": "user", "content": render.render_question_markdown(question)})
        yield [*messages, {"role": "assistant", "content": SEARCHING}], turns, gr.skip(), "", *unchanged
        answer = self.ask(question, turns, int(k), searched)
        for shown in range(1, len(answer.citations)):
            partial = dataclasses.replace(answer, citations=answer.citations[:shown])
            yield [*messages, _assistant(partial)], turns, gr.skip(), "", *unchanged
        messages.append(_assistant(answer))
        turns.append(Turn(question, answer))
        with self._reading() as engine:
            cards = render.render_citations_html(answer, engine)
            hovercards = render_hovercards_html(turns, engine)
            files = self._export_answer(turns, engine)
        kept = self.save(messages, turns, saved)
        yield messages, turns, cards, "", hovercards, kept, gr.File(value=files, visible=files is not None)

    @contextmanager
    def _reading(self) -> Iterator[QAEngine]:
        """An engine to read the store through for a question: a free asking engine (its own store
        connection: no wait behind the page's lock, which an upload holds while it indexes), else the
        main one under the lock."""
        with self.askers.engine() as engine:
            if engine is not None:
                yield engine
                return
        with self.lock:
            yield self.engine

    def scope(self, articles: Sequence[str] | None, source: str | None, since: str | None) -> set[str] | None:
        """The article ids to search (None: all). Raises InputError for a date that is not YYYY-MM-DD."""
        with self._reading() as engine:
            return engine.scope(articles, (source or "").strip(), (since or "").strip())

    def ask(self, question: str, turns: Sequence[Turn], k: int, scope: set[str] | None) -> Answer:
        """The engine's answer; a user mistake becomes a visible gr.Error."""
        try:
            with self.askers.engine() as engine:
                if engine is not None:
                    return engine.ask(question, history=turns, k=max(1, k), scope=scope)
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

    def cards_of_citation(self, ref: str, turns: Sequence[Turn]) -> str | None:
        """The cited passages of the latest answer holding the citation `ref` links to (None: none)."""
        for turn in reversed(turns):
            shown = turn.answer.as_shown()  # the links as the chat shows them (a weak answer: no span)
            if any(render.citation_target(c).to_ref() == ref for c in shown.citations):
                with self.lock:
                    return render.render_citations_html(turn.answer, self.engine)
        return None

    def hovercards(self, turns: Sequence[Turn]) -> str:
        """The hover cards of every citation of the conversation (hidden; the page shows copies)."""
        with self.lock:
            return render_hovercards_html(turns or [], self.engine)

    # -- the conversation across reloads ---------------------------------------------------------

    def save(self, messages: Messages, turns: list[Turn], saved: Saved | None) -> Saved:
        """The conversation to keep in the browser: its id (new for a new conversation) and messages;
        its answers are kept here under that id (the newest `CONVERSATIONS_KEPT` conversations)."""
        key = str((saved or {}).get("id") or "") or uuid.uuid4().hex
        with self._kept:
            self.conversations[key] = list(turns or [])
            self.conversations.move_to_end(key)
            while len(self.conversations) > CONVERSATIONS_KEPT:
                self.conversations.popitem(last=False)
        return {"id": key, "messages": list(messages or [])}

    def restore(self, saved: Saved | None) -> tuple[Messages, list[Turn], str, str, Any]:
        """A reloaded page's conversation: its messages, answers (when this server still holds them),
        the last answer's cited passages, the hover cards and the download of the last answer."""
        saved = saved if isinstance(saved, dict) else {}
        messages = saved.get("messages")
        messages = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
        with self._kept:
            turns = list(self.conversations.get(str(saved.get("id") or ""), []))
        with self.lock:
            cards = render.render_citations_html(turns[-1].answer if turns else None, self.engine)
        return messages, turns, cards, self.hovercards(turns), self.answer_files(turns)

    def answer_files(self, turns: Sequence[Turn]) -> Any:
        """The download of the last answer, shown only once there is an answer."""
        files = self.export_answer(turns)
        return gr.File(value=files, visible=files is not None)

    # -- who said what ---------------------------------------------------------------------------

    def quote_table(
        self, speaker: str | None, article_id: str | None, text: str
    ) -> tuple[list[list[str]], list[Quote], list[list[Any]]]:
        """Rows (speaker, role, quote, article) matching the filters, their quotes, and the speaker view."""
        with self.lock:
            store = self.engine.store
            # The speaker chosen is resolved through the speakers table (its canonical name or an alias
            # first); the speakers view then shows just those, counted as the list and record are.
            ids = [s.id for s in self.engine.speakers(speaker)] if speaker else None
            shown = store.find_quotes(ids, article_id, text, LIST_LIMIT)
            titles = store.titles(list({q.article_id for q in shown}))
            speakers = [[s.name, s.quotes, s.articles] for s in store.speakers(LIST_LIMIT, ids)]
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

    # -- check a quote ---------------------------------------------------------------------------

    def check_quote_html(self, text: str, speaker: str) -> tuple[str, list[str]]:
        """The check of a pasted wording as HTML (verdict, matches, diffs, and every article carrying
        the words, earliest first), and its export files."""
        try:
            with self.lock:
                check = self.engine.check_quote(text, speaker or None)
                elsewhere = (
                    where_else(self.engine.store, self.engine.encoder, text)
                    if check.verdict != "not_found"
                    else []
                )
        except QAError as error:
            raise gr.Error(str(error)) from None
        files = write_exports("quote-check", {f: export_check(check, f) for f in FORMATS})
        return render_check_html(check, elsewhere), files

    # -- evidence to take away -------------------------------------------------------------------

    def export_answer(self, turns: Sequence[Turn]) -> list[str] | None:
        """The last answer as Markdown, CSV and JSON files (None before the first answer)."""
        with self.lock:
            return self._export_answer(turns, self.engine)

    def _export_answer(self, turns: Sequence[Turn], engine: QAEngine) -> list[str] | None:
        if not turns:
            return None
        answer = turns[-1].answer
        return write_exports("answer", {f: export_answer(answer, engine.article, f) for f in FORMATS})

    def export_quotes(self, shown: Sequence[Quote], speaker: str | None) -> list[str] | None:
        """The quotes listed as Markdown, CSV and JSON files (None when none are listed)."""
        if not shown:
            return None
        heading = f"Quotes by {speaker}" if speaker else "Quotes"
        with self.lock:
            texts = {f: export_quotes(shown, self.engine.article, f, heading) for f in FORMATS}
        return write_exports("quotes", texts)

    def speaker_page(self, speaker: str | None) -> str:
        """The page of the speaker `speaker` means (`Library.speakers`, the best one): who, a timeline
        of their quotes, and their record, each article once."""
        if not speaker:
            return render_speaker_page(None, [])
        with self.lock:
            found = self.engine.speakers(speaker)
            if not found:
                return render_speaker_page(None, [], asked=speaker)
            groups = self.engine.speaker_record(speaker)  # the record of found[0]
            copies = self.engine.store.originals([g.article_id for g in groups])
        return render_speaker_page(found[0], groups, copies)

    def api_check_quote(self, quote: str, speaker: str = "") -> dict[str, Any]:
        """Did someone really say this? The verdict (exact, close, not_found) and the closest passages,
        each with its speaker and a word diff against `quote`; `speaker` is who is said to have said it."""
        try:
            with self.lock:
                return check_record(self.engine.check_quote(quote, speaker or None))
        except QAError as error:
            raise gr.Error(str(error)) from None

    # -- library ---------------------------------------------------------------------------------

    def article_rows(self, title: str = "") -> list[list[Any]]:
        """The newest `LIST_LIMIT` articles (those whose title holds `title`, any case), most recently
        published first, undated ones last: title, file or URL, source, date, sentences, quotes, id."""
        with self.lock:
            infos = self.engine.articles(newest=LIST_LIMIT)
        wanted = title.strip().lower()
        infos = [a for a in infos if wanted in a.title.lower()]
        dated = sorted((a for a in infos if a.published), key=lambda a: a.published, reverse=True)
        infos = dated + [a for a in infos if not a.published]
        return [[a.title, where(a.url), a.source, a.published, a.sentences, a.quotes, a.id] for a in infos]

    def article_choices(self) -> list[tuple[str, str]]:
        return article_choices(self.article_rows())

    def article_count(self) -> int:
        with self.lock:
            return self.engine.store.count()

    def library(self, title: str = "") -> Any:
        """The library table (`library_table`) of the articles whose title holds `title`."""
        return library_table(self.article_rows(title), self.article_count(), title)

    def open_listed(self, search: str, shown: Sequence[Any]) -> str | None:
        """The reader pane at the top of the article of a library row `shown` (its cells as listed under
        the search `search`); None when no such row is listed any more."""
        wanted = [str(cell) for cell in shown]
        for row in self.article_rows(search):
            cells = {str(cell) for cell in row[: len(LIBRARY_COLUMNS)]}
            if wanted and str(row[0]) == wanted[0] and cells.issuperset(wanted):
                return self.open_article(row[-1])
        return None

    def open_article(self, article_id: str) -> str:
        """The reader pane at the top of an article."""
        with self.lock:
            article = self.engine.article(article_id)
            sentences = self.engine.sentences(article_id) if article else []
        return render.render_reader_html(article, sentences, None)

    def store_summary(self) -> str:
        """'927 articles, 8,635 quotes, newest 2005-03-31' (empty for a store not made yet)."""
        with self.lock:
            if not self.engine.store_path.exists():
                return ""
            articles, quotes, newest = self.engine.store.totals()
        line = f"{articles:,} article{'s' if articles != 1 else ''}, "
        line += f"{quotes:,} quote{'s' if quotes != 1 else ''}"
        return line + (f", newest {newest}" if newest else "")

    def example_prompt(self) -> str:
        """The chat's placeholder: what the store holds, and example questions about its own most
        quoted speakers."""
        with self.lock:
            speakers = self.engine.store.speakers(2) if self.engine.store_path.exists() else []
        if not speakers:
            prompt = "Ask about the articles, e.g. *Who said it?*, *When did it happen?*, *How many ...?*"
        else:
            examples = [f"*What did {speakers[0].name} say?*"] + [f"*Who is {s.name}?*" for s in speakers[1:]]
            prompt = "Ask about the articles, e.g. " + " or ".join(examples)
        summary = self.store_summary()
        return f"**{render.escape_markdown(summary)}** — {prompt}" if summary else prompt

    def speaker_choices(self) -> list[str]:
        """The `LIST_LIMIT` most quoted speakers, most quoted first (so a typed "Tony Blair" offers Tony
        Blair before his spokesman)."""
        with self.lock:
            return [s.name for s in self.engine.store.speakers(LIST_LIMIT)]

    def add_files(self, paths: Sequence[str], progress: Any = None) -> str:
        """Index uploaded files; the report names each by its file name or article title."""
        if not paths:
            return "Choose one or more files to add."
        with self.lock:
            report = self.engine.add_paths(list(paths), progress=_progress_callback(progress))
            return self._report(report, folders=[str(Path(p).parent) for p in paths])

    def add_url(self, url: str, progress: Any = None) -> str:
        """Fetch and index a web page, or a feed's new items; the report says what was added or why not."""
        url = (url or "").strip()
        if not is_url(url):
            return "Give the address of an article or feed, starting with http:// or https://."
        with self.lock:
            try:
                report = self.engine.add_paths([url], progress=_progress_callback(progress))
            except QAError as error:
                return render.escape_markdown(str(error))
            return self._report(report)

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
        feeds = [dataclasses.replace(f, feed=_strip_folders(f.feed, folders)) for f in report.feeds]
        return render.render_index_report(
            map(name, report.added), map(name, report.updated), map(name, report.unchanged), failed, feeds
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


def write_exports(stem: str, texts: dict[Format, str]) -> list[str]:
    """Each export text in its own file (`answer.md`, `answer.csv`, `answer.json`) in a new temporary
    folder, for the page's download list."""
    folder = Path(tempfile.mkdtemp(prefix="newsqa-export-"))
    paths = []
    for fmt, text in texts.items():
        path = folder / f"{stem}.{fmt}"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


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


def article_choices(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str]]:
    """Dropdown choices "title (id)" → id from `Session.article_rows` rows."""
    return [(f"{row[0]} ({row[-1]})", row[-1]) for row in rows]


def articles_label(count: int, shown: int | None = None, search: str = "") -> str:
    """The library table's label: how many articles ('12 of 927 articles' while a search filters them);
    says so when it shows only the newest `LIST_LIMIT`."""
    if search.strip() and shown is not None:
        if not shown:
            return f"No article matches \u2018{search.strip()}\u2019 ({count:,} articles)"
        return f"{shown:,} of {count:,} articles match \u2018{search.strip()}\u2019"
    if count > LIST_LIMIT:
        return f"Indexed articles: the newest {LIST_LIMIT:,} of {count:,} (`qa articles` lists them all)"
    return f"Indexed articles ({count:,})"


def library_table(rows: Sequence[Sequence[Any]], count: int, search: str = "") -> Any:
    """The library's table over `Session.article_rows` rows: File or URL, Source and Date only when some
    article listed has one; its label says how many match the search."""
    keep = [i for i in range(len(LIBRARY_COLUMNS)) if i not in _OPTIONAL_COLUMNS or any(r[i] for r in rows)]
    return gr.Dataframe(
        value={"headers": [LIBRARY_COLUMNS[i] for i in keep], "data": [[r[i] for i in keep] for r in rows]},
        headers=[LIBRARY_COLUMNS[i] for i in keep],
        datatype=[_LIBRARY_TYPES[i] for i in keep],
        column_widths=[
            f"{100 * _LIBRARY_WEIGHTS[i] / sum(_LIBRARY_WEIGHTS[j] for j in keep):.0f}%" for i in keep
        ],
        label=articles_label(count, len(rows), search),
    )
