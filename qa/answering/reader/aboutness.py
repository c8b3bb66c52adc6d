"""Whether a cited sentence is about what the question asks: its key terms stand near it.

A near miss changes one thing of a question that an article answers ("in 2011" for 2012, "Georgia" for
Missouri, "U.S.-Canada" for U.S.-Mexico) and the article often names the changed thing too, somewhere
else: every term is mentioned (`qa.answering.reader.terms`) and the sentence reads as an answer. The
terms of a question that an article mentions but not near the cited sentence are "apart": not in the
sentence, the two sentences on either side, its paragraph, the title or the source.

A year or number apart reads as missing (news dates and counts what it reports where it reports it; a
near miss's changed year sits in another paragraph), but a year the passage gives relative to the
article's date ("closed last year") is near. A name apart does not decide: news often names a person
once and then says "he" or gives the surname only, so a name apart alone is weak evidence (a floor on
names apart declined as many right answers as near misses: docs/news.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from index.models import Article, Sentence
from qa.answering.reader.terms import missing_terms

__all__ = ["NEAR", "is_number", "terms_apart"]

NEAR = 2  # sentences on either side of the cited one that count as near it


def is_number(term: str) -> bool:
    """Whether a key term is a year or number ("2011", "2.0") rather than a name."""
    return term[:1].isdigit()


def terms_apart(
    question: str, article: Article, sentences: Sequence[Sentence], position: int, missing: Sequence[str]
) -> list[str]:
    """The key terms of `question` that `article` mentions (not in `missing`, those it lacks) but not
    near its sentence at `position` (`sentences`: the article's, in order)."""
    at = next((i for i, s in enumerate(sentences) if s.position == position), None)
    if at is None:
        return []
    cited = sentences[at]
    near = [s.text for s in sentences[max(0, at - NEAR) : at + NEAR + 1]]
    near += [
        s.text for s in sentences if s.paragraph == cited.paragraph and abs(s.position - position) > NEAR
    ]
    window = "\n".join([article.title, article.source, *near])
    apart = missing_terms(question, window, article.published, relative_years=True)
    return [t for t in apart if t not in missing]
