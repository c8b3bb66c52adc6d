from __future__ import annotations

from index.chunking import make_chunks
from index.sentences import split_sentences


def test_chunks_are_whole_sentences_that_overlap_by_one() -> None:
    text = " ".join(f"Sentence number {i} has five words." for i in range(10))
    sentences = split_sentences("a", text)
    chunks = make_chunks(sentences, text, max_words=12, overlap=1)
    assert [(c.first, c.last) for c in chunks] == [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 5),
        (5, 6),
        (6, 7),
        (7, 8),
        (8, 9),
    ]
    for c in chunks:
        assert c.text == text[sentences[c.first].start : sentences[c.last].end]


def test_a_long_sentence_is_a_chunk_of_its_own() -> None:
    text = "Short one. " + "word " * 50 + "end. Short two."
    sentences = split_sentences("a", text)
    chunks = make_chunks(sentences, text, max_words=20)
    assert [(c.first, c.last) for c in chunks] == [(0, 0), (1, 1), (2, 2)]


def test_no_sentences_no_chunks() -> None:
    assert make_chunks([], "") == []
