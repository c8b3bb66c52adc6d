"""Importing the product loads no heavy library: faiss, pymilvus, onnxruntime, torch, sentence-transformers
and spaCy are loaded by the first call that needs them, gradio only by the app (`qa serve`), so `qa
--help`, `qa articles` and the tests that need none start fast. (Import circles and the layers are
checked in tests/test_layout.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("faiss", "pymilvus", "onnxruntime", "torch", "sentence_transformers", "spacy", "gradio")
# The modules that run the page (ui.app, ui.session) import gradio; the rest of ui must not.
LIGHT_UI = ("ui.cli", "ui.render", "ui.render_check")


def modules(package: str) -> list[str]:
    names = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.parametrize(
    "names", [modules("index"), modules("qa"), list(LIGHT_UI)], ids=["index", "qa", "ui"]
)
def test_importing_the_product_loads_no_heavy_library(names: list[str]) -> None:
    code = f"import sys\nimport {', '.join(names)}\nprint(sorted(set({HEAVY!r}) & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
