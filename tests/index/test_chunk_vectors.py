"""A new store's chunk vectors are its sentences' vectors summed and normalised; an older store whose
chunks were encoded keeps encoding them, so its vectors stay of one kind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from index.embedding import HashingEncoder
from index.models import Article
from index.pipeline import index_articles, open_or_create
from index.store import Store

TEXT = (
    "The river flooded the valley on Monday. Farmers lost most of their crops. "
    "The county opened two shelters. Volunteers brought food and blankets."
)


def chunk_and_sentence_vectors(store: Store) -> tuple[np.ndarray, list[np.ndarray]]:
    chunk_rows = store.live_rows("chunks")
    chunks = store.chunks(chunk_rows)
    sentence_vectors = store.vectors("sentences", store.live_rows("sentences"))
    expected = []
    for row in chunk_rows:
        summed = sentence_vectors[chunks[row].first : chunks[row].last + 1].sum(axis=0)
        expected.append(summed / np.linalg.norm(summed))
    return store.vectors("chunks", chunk_rows), expected


def test_a_new_stores_chunk_vectors_are_the_normalised_sum_of_its_sentences(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    index_articles(store, fake_encoder, [Article("flood", "Flood", TEXT)], None)
    assert store.chunk_vectors == "sentence-mean"
    stored, expected = chunk_and_sentence_vectors(store)
    np.testing.assert_allclose(stored, np.stack(expected), atol=1e-5)


def test_a_store_built_with_encoded_chunks_keeps_encoding_them(
    tmp_path: Path, fake_encoder: HashingEncoder
) -> None:
    store = open_or_create(tmp_path / "store", fake_encoder)
    store.close()
    with sqlite3.connect(tmp_path / "store" / "store.sqlite") as db:  # as a store made before session 7
        db.execute("DELETE FROM meta WHERE key = 'chunk_vectors'")
    store = open_or_create(tmp_path / "store", fake_encoder)
    assert store.chunk_vectors == "encoded"
    index_articles(store, fake_encoder, [Article("flood", "Flood", TEXT)], None)
    rows = store.live_rows("chunks")
    texts = [store.chunks(rows)[row].text for row in rows]
    np.testing.assert_allclose(store.vectors("chunks", rows), fake_encoder.embed_batch(texts), atol=1e-5)
