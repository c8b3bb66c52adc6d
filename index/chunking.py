"""Group sentences into overlapping, sentence-aligned chunks for dense and lexical retrieval."""

from __future__ import annotations

from collections.abc import Sequence

from index.models import Chunk, Sentence

CHUNK_WORDS = 120
OVERLAP_SENTENCES = 1


def make_chunks(
    sentences: Sequence[Sentence],
    text: str,
    max_words: int = CHUNK_WORDS,
    overlap: int = OVERLAP_SENTENCES,
) -> list[Chunk]:
    """Chunks of whole sentences of about `max_words` words; consecutive chunks share `overlap`
    sentences. A chunk's text is the article text from its first to its last sentence."""
    chunks: list[Chunk] = []
    first = 0
    while first < len(sentences):
        last, words = first, len(sentences[first].text.split())
        while last + 1 < len(sentences) and words + len(sentences[last + 1].text.split()) <= max_words:
            last += 1
            words += len(sentences[last].text.split())
        head, tail = sentences[first], sentences[last]
        chunks.append(Chunk(head.article_id, head.position, tail.position, text[head.start : tail.end]))
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return chunks
