"""Shared fixtures: the fake encoder for fast tests, one real model per session for slow ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.embedding import DEFAULT_MODEL, Encoder, HashingEncoder, SentenceTransformerEncoder, make_encoder
from index.models import Article
from index.vector_search import VectorsChoice, parse_vectors
from qa.engine import QAEngine
from tests.web import LocalSite, serve_site

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def fake_encoder() -> HashingEncoder:
    return HashingEncoder(64)


@pytest.fixture
def site() -> Iterator[LocalSite]:
    """A local web site on 127.0.0.1 (the only network a test uses); add pages to it with `site.add`."""
    with serve_site() as served:
        yield served


@pytest.fixture(scope="module")
def milvus_lite(tmp_path_factory: pytest.TempPathFactory) -> VectorsChoice:
    """One Milvus Lite file per test module, started on first use (each store has its own collections).
    Not one per session: Milvus Lite's in-process gRPC server, shared across modules that load torch
    and spawn workers in between, was at times unreachable for the next module's first store."""
    return parse_vectors(f"milvus:{tmp_path_factory.mktemp('milvus') / 'vectors.db'}")


@pytest.fixture(params=["faiss", "milvus"])
def vectors(request: pytest.FixtureRequest, milvus_lite: VectorsChoice) -> VectorsChoice | None:
    """Where a test's store keeps its vectors: its own FAISS files (None: the default) or Milvus Lite.
    A store fixture taking it runs every test that uses the store on both."""
    return None if request.param == "faiss" else milvus_lite


@pytest.fixture(scope="session")
def real_encoder() -> Encoder:
    """The default encoder (all-MiniLM-L6-v2 as int8 ONNX, exported on first use into the user's cache
    like `qa` does), loaded once for the whole session."""
    encoder = make_encoder(DEFAULT_MODEL)
    encoder.embed_batch(["warm up"])
    return encoder


@pytest.fixture(scope="session")
def torch_encoder() -> SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 from its offline package with torch, loaded once for the whole session."""
    encoder = SentenceTransformerEncoder()
    encoder.embed_batch(["warm up"])
    return encoder


@pytest.fixture(scope="session")
def seed_engine(real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> QAEngine:
    """An engine over the seed articles with the real model (read-only: tests must not change it)."""
    engine = QAEngine(tmp_path_factory.mktemp("seed-store") / "store", real_encoder)
    report = engine.add_paths([str(SEEDS)])
    assert not report.failed, report.failed
    return engine


@pytest.fixture(scope="session")
def engine_over(real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., QAEngine]:
    """Makes an engine with the real model over the articles given, in a store of its own."""

    def make(*articles: Article) -> QAEngine:
        engine = QAEngine(tmp_path_factory.mktemp("engine") / "store", real_encoder)
        engine.add_articles(list(articles))
        return engine

    return make


def article(text: str, id: str = "a1", title: str = "A test article") -> Article:
    return Article(id=id, title=title, text=text)
