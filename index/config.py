"""Configuration as a frozen dataclass; only entry points read the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from index.embedding import DEFAULT_MODEL

DEFAULT_STORE = Path(".qa-store")


@dataclass(frozen=True, slots=True)
class Config:
    store: Path = DEFAULT_STORE
    model: str = DEFAULT_MODEL

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Config:
        """`QA_STORE` and `QA_MODEL`, else the defaults."""
        return cls(
            store=Path(environ.get("QA_STORE") or DEFAULT_STORE),
            model=environ.get("QA_MODEL") or DEFAULT_MODEL,
        )
