"""Milvus (Lite, started by the tests in a temporary folder) as a store's vector and BM25 engine.

The store contract tests in test_store.py run on both engines (the `vectors` fixture); these are the
Milvus-only behaviours: the `--vectors` choice, the engine's own operations, failures of the engine
around the SQLite commit, and the same answers as the default store.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.embedding import Encoder, HashingEncoder, encode_documents, encode_query
from index.errors import InputError, StoreError
from index.ingest import read_paths
from index.milvus import MilvusVectors
from index.models import Article, Quote, Sentence
from index.pipeline import index_articles, open_or_create, rebuild_store, remove_articles
from index.store import Store
from index.vector_search import DEFAULT_VECTORS, VectorRows, VectorsChoice, parse_vectors
from qa.engine import QAEngine
from ui.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"


def story(id: str, text: str, source: str = "wire") -> Article:
    return Article(id=id, title=f"Story {id}", text=text, source=source, published="2024-05-01")


STORIES = [
    story("flood", "The river flooded the valley. Farmers lost crops."),
    story("vote", "Parliament voted on taxes.", source="daily"),
]


@pytest.fixture
def milvus_store(tmp_path: Path, fake_encoder: HashingEncoder, milvus_lite: VectorsChoice) -> Store:
    store = open_or_create(tmp_path / "store", fake_encoder, milvus_lite)
    index_articles(store, fake_encoder, STORIES)
    return store


# -- the choice ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("faiss", DEFAULT_VECTORS),
        ("milvus:./v.db", VectorsChoice("milvus", "{cwd}/v.db")),
        ("milvus:/data/vectors.db", VectorsChoice("milvus", "/data/vectors.db")),
        ("milvus:http://milvus.internal:19530", VectorsChoice("milvus", "http://milvus.internal:19530")),
        ("milvus:https://in01.example.com/", VectorsChoice("milvus", "https://in01.example.com")),
    ],
)
def test_vectors_values_name_an_engine(
    value: str, expected: VectorsChoice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = VectorsChoice(expected.engine, expected.uri.replace("{cwd}", str(tmp_path)))
    assert parse_vectors(value) == expected
    assert parse_vectors(expected.spec) == expected


@pytest.mark.parametrize(
    "value", ["milvus", "milvus:", "pinecone:x", "milvus:vectors.txt", "milvus:ftp://h:1", "FAISS", ""]
)
def test_a_bad_vectors_value_is_refused_with_the_choices(value: str) -> None:
    with pytest.raises(InputError, match=r"is not a vector engine: use faiss .* milvus:FILE\.db"):
        parse_vectors(value)


def test_qa_index_refuses_a_bad_vectors_value_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", str(SEEDS), "--store", str(tmp_path / "s"), "--vectors", "pinecone:x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qa index: --vectors 'pinecone:x' is not a vector engine")
    assert err.count("\n") == 1
    assert not (tmp_path / "s").exists()


def test_a_store_opens_with_the_engine_it_was_built_with(
    milvus_store: Store, fake_encoder: HashingEncoder, milvus_lite: VectorsChoice
) -> None:
    path = milvus_store.path
    milvus_store.close()
    reopened = Store.open(path, fake_encoder.name)
    assert reopened.vectors_choice == milvus_lite
    assert reopened.meta()["vectors"] == milvus_lite.spec
    assert not list(path.glob("*.db"))  # the Lite file is where --vectors said, not in the store
    [(row, _)] = reopened.search_lexical("sentences", '"taxes"', 3)
    assert reopened.sentence_rows([row])[row].text == "Parliament voted on taxes."


def test_another_engine_for_an_existing_store_is_refused(
    milvus_store: Store, fake_encoder: HashingEncoder
) -> None:
    with pytest.raises(InputError, match=r"keeps its vectors in milvus:.*not faiss: --vectors applies only"):
        open_or_create(milvus_store.path, fake_encoder, DEFAULT_VECTORS)


_OPEN_AND_SEARCH = """
import sys
from pathlib import Path
from index.embedding import HashingEncoder
from index.models import Article
from index.pipeline import index_articles, open_or_create
from index.vector_search import parse_vectors
encoder = HashingEncoder(64)
vectors = parse_vectors(sys.argv[2]) if len(sys.argv) > 2 else None
store = open_or_create(Path(sys.argv[1]), encoder, vectors)
if vectors is not None:
    index_articles(store, encoder, [Article("flood", "Flood", "The river flooded the valley.")])
print([row for row, _ in store.search_lexical("sentences", '"flooding"', 3)], store.vector_count("sentences"))
"""


def test_a_milvus_store_answers_in_a_new_process(tmp_path: Path) -> None:
    """Milvus Lite forgets that a collection was loaded when its process ends."""
    store, lite = str(tmp_path / "store"), f"milvus:{tmp_path / 'own.db'}"
    for args in ([store, lite], [store]):
        done = subprocess.run(
            [sys.executable, "-c", _OPEN_AND_SEARCH, *args], cwd=ROOT, capture_output=True, text=True
        )
        assert (done.returncode, done.stdout) == (0, "[1] 1\n"), done.stderr


# -- the engine's own operations ----------------------------------------------------------------


def rows_of(encoder: Encoder, ids: list[int], texts: list[str], article: str, source: str) -> VectorRows:
    n = len(ids)
    return VectorRows(
        ids, encode_documents(encoder, texts), texts, [article] * n, [source] * n, ["2024-05-01"] * n
    )


@pytest.fixture
def engine(
    fake_encoder: HashingEncoder, milvus_lite: VectorsChoice, request: pytest.FixtureRequest
) -> MilvusVectors:
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:40]
    engine = MilvusVectors.connect(milvus_lite, name, fake_encoder.dimension, None)
    request.addfinalizer(engine.drop)
    engine.add(
        "sentences",
        rows_of(
            fake_encoder, [1, 2], ["The river flooded the valley.", "Farmers lost crops."], "flood", "wire"
        ),
    )
    engine.add("sentences", rows_of(fake_encoder, [3], ["Parliament voted on taxes."], "vote", "daily"))
    return engine


def test_dense_search_finds_the_nearest_row_within_a_scope(
    engine: MilvusVectors, fake_encoder: HashingEncoder
) -> None:
    query = encode_query(fake_encoder, "Farmers lost crops.")
    [(row, score), *_] = engine.search_dense("sentences", query, 3)
    assert row == 2
    assert score == pytest.approx(1.0, abs=1e-5)
    assert [r for r, _ in engine.search_dense("sentences", query, 3, scope={"vote"})] == [3]
    assert 2 not in [r for r, _ in engine.search_dense("sentences", query, 3, exclude=[2])]
    assert engine.search_dense("sentences", query, 3, scope=set()) == []


def test_lexical_search_matches_stems_as_fts5_does(engine: MilvusVectors) -> None:
    assert [r for r, _ in engine.search_lexical("sentences", '"flooding"', 5)] == [1]
    found = engine.search_lexical("sentences", '"tax" OR "crops"', 5)
    assert sorted(r for r, _ in found) == [2, 3]
    assert all(score > 0 for _, score in found)  # higher is better, as from the default store
    assert engine.search_lexical("sentences", '"tax"', 5, scope={"flood"}) == []
    assert engine.search_lexical("sentences", "OR", 5) == []


def test_fused_search_puts_the_row_both_searches_rank_first_on_top(
    engine: MilvusVectors, fake_encoder: HashingEncoder
) -> None:
    query = encode_query(fake_encoder, "Parliament voted on taxes.")
    [(row, score), *rest] = engine.search_fused("sentences", query, '"taxes"', 3)
    assert row == 3
    assert score == pytest.approx(2 / 61)  # rank 1 in both: 1/(60+1) twice
    assert all(s < score for _, s in rest)


def test_vectors_come_back_by_row_id_in_the_asked_order(
    engine: MilvusVectors, fake_encoder: HashingEncoder
) -> None:
    expected = encode_documents(fake_encoder, ["Parliament voted on taxes.", "The river flooded the valley."])
    assert np.allclose(engine.vectors("sentences", [3, 1]), expected, atol=1e-6)
    assert engine.vectors("sentences", []).shape == (0, fake_encoder.dimension)
    with pytest.raises(KeyError, match="no vector for row 9"):
        engine.vectors("sentences", [1, 9])


def test_deletes_by_row_article_and_id_range(engine: MilvusVectors) -> None:
    assert engine.vector_count("sentences") == 3
    engine.delete("sentences", [2])
    assert engine.vector_count("sentences") == 2
    engine.delete_articles("sentences", ["vote"])
    assert [r for r, _ in engine.search_lexical("sentences", '"river" OR "taxes"', 5)] == [1]
    engine.delete_after("sentences", 0)
    assert engine.vector_count("sentences") == 0


# -- failures around the SQLite commit ----------------------------------------------------------


@pytest.mark.parametrize("deletes", [True, False], ids=["cleaned-at-once", "engine-down-cleaned-next-write"])
def test_a_failed_engine_write_leaves_the_previous_store_intact(
    deletes: bool, milvus_store: Store, fake_encoder: HashingEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    add, delete_after = MilvusVectors.add, MilvusVectors.delete_after
    failed = []

    def fail_on_sentences(self: MilvusVectors, kind: str, rows: VectorRows) -> None:
        if kind == "sentences":
            failed.append(kind)
            raise StoreError("Milvus is down")
        add(self, kind, rows)  # the chunks reach Milvus, then the sentences fail

    def down_after_failing(self: MilvusVectors, kind: str, last_id: int) -> None:
        if failed and not deletes:
            raise StoreError("Milvus is down")  # the clean-up after the rollback fails too
        delete_after(self, kind, last_id)

    monkeypatch.setattr(MilvusVectors, "add", fail_on_sentences)
    monkeypatch.setattr(MilvusVectors, "delete_after", down_after_failing)
    with pytest.raises(StoreError, match="Milvus is down"):
        index_articles(milvus_store, fake_encoder, [story("bridge", "The old bridge collapsed at dawn.")])
    assert [a.id for a in milvus_store.articles()] == ["flood", "vote"]
    query = encode_query(fake_encoder, "The old bridge collapsed at dawn.")
    found = [row for row, _ in milvus_store.search_dense("chunks", query, 5)]
    assert set(milvus_store.chunks(found)) == {1, 2}  # an orphan row, if any, is no chunk of the store
    assert milvus_store.vector_count("chunks") == (2 if deletes else 3)
    monkeypatch.setattr(MilvusVectors, "add", add)
    monkeypatch.setattr(MilvusVectors, "delete_after", delete_after)
    index_articles(milvus_store, fake_encoder, [story("storm", "A storm hit.")])
    assert milvus_store.vector_count("chunks") == 3 == len(milvus_store.live_rows("chunks"))
    assert milvus_store.vector_count("sentences") == 4 == len(milvus_store.live_rows("sentences"))


def test_a_store_on_a_server_ranks_text_with_milvus_bm25(
    milvus_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Milvus Lite the store ranks text with FTS5 (`MilvusVectors.ranks_text`); on a server, here."""
    monkeypatch.setattr(MilvusVectors, "ranks_text", True)
    asked = []
    search = MilvusVectors.search_lexical

    def spy(self: MilvusVectors, *args: Any, **kwargs: Any) -> list[tuple[int, float]]:
        asked.append(args[1])
        return search(self, *args, **kwargs)

    monkeypatch.setattr(MilvusVectors, "search_lexical", spy)
    [(row, _)] = milvus_store.search_lexical("sentences", '"flooding"', 5)
    assert milvus_store.sentence_rows([row])[row].text == "The river flooded the valley."
    assert milvus_store.search_lexical("sentences", '"flooding"', 5, scope={"vote"}) == []
    remove_articles(milvus_store, ["flood"])
    assert [row for row, _ in milvus_store.search_lexical("sentences", '"flooding" OR "taxes"', 5)] == [3]
    assert asked == ['"flooding"', '"flooding"', '"flooding" OR "taxes"']


def test_rows_the_engine_failed_to_delete_stay_hidden_until_the_next_write(
    milvus_store: Store, fake_encoder: HashingEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: MilvusVectors, kind: str, ids: object) -> None:
        raise StoreError("Milvus is down")

    original = MilvusVectors.delete
    monkeypatch.setattr(MilvusVectors, "delete", down)
    remove_articles(milvus_store, ["flood"])  # committed; the engine still holds the rows
    query = encode_query(fake_encoder, "The river flooded the valley.")
    assert [
        milvus_store.sentence_rows([r])[r].article_id
        for r, _ in milvus_store.search_dense("sentences", query, 5)
    ] == ["vote"]
    assert milvus_store.search_lexical("chunks", '"river"', 5) == []
    assert milvus_store.vector_count("sentences") == 1
    monkeypatch.setattr(MilvusVectors, "delete", original)
    index_articles(milvus_store, fake_encoder, [story("storm", "A storm hit.")])
    assert milvus_store.meta() and not milvus_store.tombstones("sentences")
    assert milvus_store.vector_count("sentences") == 2


def test_rebuild_keeps_milvus_and_drops_the_old_collections(
    milvus_store: Store, fake_encoder: HashingEncoder, milvus_lite: VectorsChoice
) -> None:
    path, old_name = milvus_store.path, milvus_store.meta()["vectors_name"]
    milvus_store.close()
    report = rebuild_store(path, fake_encoder, None)
    assert sorted(report.added) == ["flood", "vote"]
    rebuilt = Store.open(path, fake_encoder.name)
    assert rebuilt.vectors_choice == milvus_lite
    assert rebuilt.meta()["vectors_name"] != old_name
    assert len(rebuilt.search_dense("sentences", encode_query(fake_encoder, "river"), 10)) == 3
    from pymilvus import MilvusClient

    client = MilvusClient(milvus_lite.uri)
    assert not client.has_collection(f"{old_name}_sentences")


# -- the same answers as the default store ------------------------------------------------------

TOWNS = ["Tarnow", "Oulu", "Braga", "Ghent", "Split", "Aarhus", "Brno", "Kaunas", "Lyon", "Porto"]
PLACES = ["bridge", "museum", "library", "stadium", "harbour", "theatre", "market", "school"]
NAMES = ["Ana Ruiz", "Piet de Vries", "Marta Nowak", "Jonas Berg", "Lea Weber", "Ivo Horvat"]
MONTHS = ["March", "April", "June", "September", "November"]


def generated_articles(n: int) -> list[Article]:
    """Tiny news items with a few facts each, from a fixed seed."""
    rng = random.Random(18)
    articles = []
    for i in range(n):
        town, place, name = TOWNS[i % len(TOWNS)], PLACES[(i // len(TOWNS)) % len(PLACES)], rng.choice(NAMES)
        visitors, month = rng.randrange(200, 9000), rng.choice(MONTHS)
        text = (
            f"The {place} in {town} will reopen in {month}, mayor {name} said on Tuesday. "
            f"It had been closed for {rng.randrange(2, 30)} months after a fire. "
            f"About {visitors} people visited it in the last year before it closed."
        )
        articles.append(Article(f"gen-{i}", f"{town} {place} to reopen", text, rng.choice(["wire", "daily"])))
    return articles


QUESTIONS = [
    "Who was put in charge of Russia's operations in Ukraine?",
    "Who is in charge of the operation?",
    "Did Wagner capture Soledar?",
    "What did the deputy defence minister say about the fighting?",
    "Who said the main work is yet to come?",
    "When will the museum in Ghent reopen?",
    "How many people visited the stadium in Porto?",
    "Why was the library in Oulu closed?",
    "What did the mayor of Braga say about the harbour?",
]


def first_citations(engine: QAEngine, questions: list[str]) -> list[tuple[bool, tuple[str, int] | None]]:
    """For each question: abstained or not, and the article and offset of the first cited sentence."""
    found = []
    for question in questions:
        answer = engine.ask(question)
        top = answer.citations[0].sentence if answer.citations else None
        found.append((answer.abstained, None if top is None else (top.article_id, top.start)))
    return found


def two_engines(
    tmp_path: Path, encoder: Encoder, milvus_lite: VectorsChoice, articles: list[Article]
) -> dict[str, QAEngine]:
    """The same articles indexed into a default store and a Milvus one (quotes found once for both)."""
    from qa.quotes import extract_quotes

    quotes: dict[str, list[Quote]] = {}

    def cached_quotes(article: Article, sentences: Sequence[Sentence]) -> list[Quote]:
        if article.id.startswith("gen-"):
            return []  # spaCy over 300 more articles takes 20 s; the questions ask for the seed's quotes
        if article.id not in quotes:
            quotes[article.id] = extract_quotes(article, sentences)
        return quotes[article.id]

    engines = {}
    for name, vectors in [("faiss", None), ("milvus", milvus_lite)]:
        store = open_or_create(tmp_path / name, encoder, vectors)
        assert len(index_articles(store, encoder, articles, cached_quotes).added) == len(articles)
        store.close()
        engines[name] = QAEngine(tmp_path / name, encoder)
    assert engines["milvus"].store.vectors_choice == milvus_lite
    return engines


def test_milvus_gives_the_same_first_citations_as_the_default_store(
    tmp_path: Path, fake_encoder: HashingEncoder, milvus_lite: VectorsChoice
) -> None:
    seeds = read_paths([str(SEEDS)]).articles
    engines = two_engines(tmp_path, fake_encoder, milvus_lite, [*seeds, *generated_articles(300)])
    faiss, milvus = (first_citations(engines[name], QUESTIONS) for name in ("faiss", "milvus"))
    assert milvus == faiss
    assert sum(top is not None for _, top in faiss) >= len(QUESTIONS) - 2  # most questions are answered


@pytest.mark.model
def test_the_seed_questions_get_the_same_first_citations_with_the_real_model(
    tmp_path: Path, real_encoder: Encoder, milvus_lite: VectorsChoice
) -> None:
    engines = two_engines(tmp_path, real_encoder, milvus_lite, read_paths([str(SEEDS)]).articles)
    questions = QUESTIONS[:5]
    assert first_citations(engines["milvus"], questions) == first_citations(engines["faiss"], questions)
