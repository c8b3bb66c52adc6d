"""Milvus as the store's vector and full-text engine (`qa index --vectors milvus:...`); the one owner of
pymilvus.

Two collections per store, `{name}_chunks` and `{name}_sentences`, keyed by the store's row ids: the
unit vector (FLAT index, inner product: exact, like the default store's flat FAISS), the text, the
article id, source and publication date as filterable fields, and a BM25 function over `terms`. The
terms are the text as the store's FTS5 tables index it (unicode61 tokens, Porter stems), so lexical
ranking matches the default store on any Milvus: Milvus Lite's analyzer is `standard` only (no
stemming), and a server's `english` analyzer stems differently from FTS5's Porter stemmer.

The same code talks to Milvus Lite (a `.db` file; this project's tests) and to a Milvus standalone or
cluster (`http://host:19530`). Milvus Lite 3.x is a pure-Python engine running inside this process:
one process at a time should open a Lite file (a server for `qa serve` beside `qa index`). It was
chosen over `milvus-lite==2.5.1` (the real engine core as a subprocess) because it installs beside
this venv's setuptools 84 (2.5.1 wants setuptools<80) and does every call the store makes (BM25
function, filters, `hybrid_search`, FLAT/IVF_FLAT/HNSW) without torch or any pin moving; its gaps
are the analyzers (`standard` only, hence the pre-stemmed terms), BM25 scores returned negated, and
BM25 statistics per segment (`MilvusVectors.ranks_text`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from index.errors import StoreError
from index.fulltext import index_terms, match_words
from index.fusion import RRF_K, fuse_ranks
from index.vector_search import VectorRows, VectorsChoice
from index.vectors import Vectors

BATCH = 1000  # rows per insert call: 1000 × 384 floats is 1.5 MB, far under gRPC's 64 MB message limit
MAX_TOP_K = 16_384  # Milvus' limit on one search's `limit`
MAX_TEXT = 16_000  # characters kept of a text (VARCHAR holds at most 65,535 bytes)
_KINDS = ("chunks", "sentences")


@dataclass(frozen=True, slots=True)
class DenseIndex:
    """The Milvus index over the vectors, made when a collection is created: FLAT (exact; the default,
    as the default store's flat FAISS up to 200k vectors), or an approximate one for larger collections
    (IVF_FLAT: `nlist` at creation, `nprobe` at search; HNSW: `M`, `efConstruction`; `ef`). Milvus Lite
    builds each with FAISS; a server also has DiskANN (README: "Beyond one machine")."""

    type: Literal["FLAT", "IVF_FLAT", "HNSW", "DISKANN"] = "FLAT"
    build: Mapping[str, int] = field(default_factory=dict)
    search: Mapping[str, int] = field(default_factory=dict)


FLAT = DenseIndex()


class MilvusVectors:
    """The vectors and BM25 index of one store in Milvus (see the module docstring)."""

    def __init__(self, client: Any, uri: str, name: str, dimension: int, dense: DenseIndex = FLAT) -> None:
        self._client = client
        self.uri = uri
        self.name = name
        self.dimension = dimension
        self.dense = dense
        self.is_server = VectorsChoice("milvus", uri).is_server

    @classmethod
    def connect(
        cls, choice: VectorsChoice, name: str, dimension: int, token: str | None, dense: DenseIndex = FLAT
    ) -> MilvusVectors:
        """Connect to Milvus at `choice.uri` and create the store's collections when missing (with the
        `dense` index; the search parameters apply to every search of this connection).

        Raises:
            StoreError: Milvus cannot be reached or refused the collections.
        """
        try:
            from pymilvus import MilvusClient
            from pymilvus.exceptions import MilvusException
        except ImportError:
            raise StoreError(
                "This store keeps its vectors in Milvus, but pymilvus is not installed: "
                "`pip install pymilvus milvus-lite`."
            ) from None
        # pymilvus logs every failed call with its traceback; the error reaches the user as one line.
        logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
        try:
            client = MilvusClient(uri=choice.uri, token=token or "")
            engine = cls(client, choice.uri, name, dimension, dense)
            for kind in _KINDS:
                if not client.has_collection(engine._collection(kind)):
                    engine._create(kind)
                else:
                    # A collection is searchable once loaded; Milvus Lite forgets that when its process
                    # ends, and loading one that is loaded costs a server nothing.
                    client.load_collection(engine._collection(kind))
            return engine
        except MilvusException as error:
            raise StoreError(
                f"Cannot open the Milvus collections at '{choice.uri}': {error.message}"
            ) from None

    @property
    def ranks_text(self) -> bool:
        """True on a server. Milvus Lite 3.x computes BM25 statistics per segment (a TODO in its
        `engine/collection.py`), so a row's score depends on which write stored it, and some questions
        got another first citation than from FTS5 (docs/milvus.md). On Lite the store ranks text with
        its FTS5 tables; `search_lexical` here still works."""
        return self.is_server

    def _collection(self, kind: str) -> str:
        return f"{self.name}_{kind}"

    def _create(self, kind: str) -> None:
        from pymilvus import DataType, Function, FunctionType, MilvusClient

        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dimension)
        schema.add_field("text", DataType.VARCHAR, max_length=65_535)
        schema.add_field(
            "terms",
            DataType.VARCHAR,
            max_length=65_535,
            enable_analyzer=True,
            analyzer_params={"type": "standard"},  # the terms are stemmed already (`index_terms`)
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("article_id", DataType.VARCHAR, max_length=512)
        schema.add_field("source", DataType.VARCHAR, max_length=512)
        schema.add_field("published", DataType.VARCHAR, max_length=32)
        schema.add_function(
            Function(
                name="terms_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["terms"],
                output_field_names=["sparse"],
            )
        )
        index = self._client.prepare_index_params()
        index.add_index(
            field_name="vector", index_type=self.dense.type, metric_type="IP", params=dict(self.dense.build)
        )
        index.add_index(
            field_name="sparse",
            index_type="SPARSE_INVERTED_INDEX",
            metric_type="BM25",
            params={"bm25_k1": 1.2, "bm25_b": 0.75},  # FTS5's bm25() constants (Milvus Lite's k1 is 1.5)
        )
        index.add_index(field_name="article_id", index_type="INVERTED")
        name = self._collection(kind)
        # Strong: a search sees every write committed before it (the app indexes and answers in one process).
        self._client.create_collection(name, schema=schema, consistency_level="Strong")
        # `sync=False`: pymilvus otherwise polls each index every 0.5 s, though an empty collection's
        # are ready at once; loading waits for them either way.
        self._client.create_index(name, index, sync=False)
        self._client.load_collection(name)

    # -- searching ------------------------------------------------------------------------------

    def search_dense(
        self,
        kind: str,
        query: Vectors,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        if k <= 0 or (scope is not None and not scope):
            return []
        vector = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        found = self._call(
            "search",
            self._collection(kind),
            data=[vector],
            anns_field="vector",
            limit=min(k, MAX_TOP_K),
            filter=_filter(scope, exclude),
            output_fields=["id"],
            search_params=self._dense_params(),
        )
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def search_lexical(
        self,
        kind: str,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        terms = index_terms(" ".join(match_words(match)))
        if not terms or k <= 0 or (scope is not None and not scope):
            return []
        found = self._call(
            "search",
            self._collection(kind),
            data=[terms],
            anns_field="sparse",
            limit=min(k, MAX_TOP_K),
            filter=_filter(scope, exclude),
            output_fields=["id"],
            search_params={"metric_type": "BM25"},
        )
        # Milvus Lite 3.x returns BM25 scores negated (best first, most negative); a server, positive.
        return [(int(hit["id"]), abs(float(hit["distance"]))) for hit in found[0]]

    def search_fused(
        self,
        kind: str,
        query: Vectors,
        match: str,
        k: int,
        scope: Collection[str] | None = None,
        exclude: Collection[int] = (),
    ) -> list[tuple[int, float]]:
        """One `hybrid_search`: dense and BM25 requests of depth `k` each, fused by RRF."""
        from pymilvus import AnnSearchRequest, RRFRanker

        terms = index_terms(" ".join(match_words(match)))
        if not terms:
            return fuse_ranks([self.search_dense(kind, query, k, scope, exclude)])
        if k <= 0 or (scope is not None and not scope):
            return []
        expr = _filter(scope, exclude)
        depth = min(k, MAX_TOP_K)
        vector = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        requests = [
            AnnSearchRequest([vector], "vector", self._dense_params(), depth, expr=expr),
            AnnSearchRequest([terms], "sparse", {"metric_type": "BM25"}, depth, expr=expr),
        ]
        found = self._call(
            "hybrid_search",
            self._collection(kind),
            requests,
            RRFRanker(RRF_K),
            limit=depth,
            output_fields=["id"],
        )
        return [(int(hit["id"]), float(hit["distance"])) for hit in found[0]]

    def _dense_params(self) -> dict[str, Any]:
        return {"metric_type": "IP", "params": dict(self.dense.search)}

    def vectors(self, kind: str, ids: Sequence[int]) -> Vectors:
        wanted = [int(i) for i in ids]
        found: dict[int, list[float]] = {}
        for part in _parts(list(dict.fromkeys(wanted)), BATCH):
            for row in self._call("query", self._collection(kind), ids=part, output_fields=["vector"]):
                found[int(row["id"])] = row["vector"]
        missing = [i for i in wanted if i not in found]
        if missing:
            raise KeyError(f"no vector for row {missing[0]}")
        if not wanted:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray([found[i] for i in wanted], dtype=np.float32)

    def vector_count(self, kind: str) -> int:
        [row] = self._call("query", self._collection(kind), filter="", output_fields=["count(*)"])
        return int(row["count(*)"])

    # -- writing --------------------------------------------------------------------------------

    def add(self, kind: str, rows: VectorRows) -> None:
        vectors = np.asarray(rows.vectors, dtype=np.float32)
        for start in range(0, len(rows.ids), BATCH):
            end = min(start + BATCH, len(rows.ids))
            data = [
                {
                    "id": int(rows.ids[i]),
                    "vector": vectors[i].tolist(),
                    "text": rows.texts[i][:MAX_TEXT],
                    "terms": index_terms(rows.texts[i][:MAX_TEXT]),
                    "article_id": rows.article_ids[i],
                    "source": rows.sources[i],
                    "published": rows.published[i],
                }
                for i in range(start, end)
            ]
            self._call("upsert", self._collection(kind), data)

    def delete(self, kind: str, ids: Sequence[int]) -> None:
        for part in _parts([int(i) for i in ids], BATCH):
            self._call("delete", self._collection(kind), ids=part)

    def delete_articles(self, kind: str, article_ids: Sequence[str]) -> None:
        for part in _parts(list(article_ids), BATCH):
            self._call("delete", self._collection(kind), filter=f"article_id in {json.dumps(part)}")

    def delete_after(self, kind: str, last_id: int) -> None:
        self._call("delete", self._collection(kind), filter=f"id > {int(last_id)}")

    def flush(self) -> None:
        """Seal Milvus Lite's written rows into indexed segments: it searches unsealed rows in Python, many
        times slower (docs/milvus.md). A server seals segments itself, and flushing it after every small
        write would leave many small segments, so this does nothing there."""
        if self.is_server:
            return
        for kind in _KINDS:
            self._call("flush", self._collection(kind))

    def drop(self) -> None:
        for kind in _KINDS:
            self._call("drop_collection", self._collection(kind))

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """`self._client.<method>(...)`, a Milvus failure turned into a `StoreError`."""
        from pymilvus.exceptions import MilvusException

        try:
            return getattr(self._client, method)(*args, **kwargs)
        except MilvusException as error:
            raise StoreError(f"Milvus at '{self.uri}' failed to {method} ({error.message}).") from None


def _filter(scope: Collection[str] | None, exclude: Collection[int]) -> str:
    """A Milvus boolean expression: rows of the `scope` articles, without the `exclude` row ids."""
    parts = []
    if scope is not None:
        parts.append(f"article_id in {json.dumps(sorted(scope))}")
    if exclude:
        parts.append(f"id not in {json.dumps(sorted(int(i) for i in exclude))}")
    return " and ".join(parts)


def _parts(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
