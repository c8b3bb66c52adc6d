"""The JSON contract of DESIGN.md: records → plain dicts, for `--json` output and the app's API."""

from __future__ import annotations

from typing import Any

from index.models import Quote
from index.store import ArticleInfo
from qa.factcheck.check import QuoteCheck
from qa.models import Answer, Citation


def answer_record(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "abstained": answer.abstained,
        "answer": answer.text,
        "reason": answer.reason,
        "confidence": answer.confidence,
        "citations": [citation_record(c) for c in answer.citations],
        # Sentences on the question that do not support the answer: apart from the citations.
        "related": [citation_record(c) for c in answer.related],
        "statements": [
            {
                "n": st.n,
                "speaker": st.quote.speaker,
                "cue": st.quote.cue,
                "quote": st.quote.text,
                "start": st.quote.start,
                "end": st.quote.end,
            }
            for st in answer.statements
        ],
    }


def citation_record(c: Citation) -> dict[str, Any]:
    return {
        "n": c.n,
        "article_id": c.sentence.article_id,
        "title": c.title,
        "sentence": c.sentence.text,
        "start": c.sentence.start,
        "end": c.sentence.end,
        "span": c.span_text,
        "score": c.score,
        "speaker": c.speaker,
    }


def check_record(check: QuoteCheck) -> dict[str, Any]:
    return {
        "verdict": check.verdict,
        "query": check.query,
        "speaker_asked": check.speaker_asked,
        "summary": check.summary,
        "matches": [
            {
                "quote": m.quote,
                "speaker": m.speaker,
                "article_id": m.article_id,
                "title": m.title,
                "published": m.published,
                "start": m.start,
                "end": m.end,
                "similarity": m.similarity,
                "speaker_matches": m.speaker_matches,
                "diff": [{"op": d.op, "text": d.text, "original": d.original} for d in m.diff],
            }
            for m in check.matches
        ],
    }


def quote_record(quote: Quote) -> dict[str, Any]:
    return {
        "article_id": quote.article_id,
        "quote": quote.text,
        "start": quote.start,
        "end": quote.end,
        "kind": quote.kind,
        "speaker": quote.speaker,
        "speaker_mention": quote.speaker_mention,
        "cue": quote.cue,
        "role": quote.role,
    }


def article_record(info: ArticleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "title": info.title,
        "source": info.source,
        "url": info.url,
        "published": info.published,
        "sentences": info.sentences,
        "quotes": info.quotes,
    }
