"""Importing the index loads no heavy library: faiss, pymilvus, onnxruntime, torch and spaCy are loaded
by the first call that needs them, so `qa --help`, `qa articles` and the tests that need none start
fast. (Import circles and the layers are checked for every package in tests/test_layout.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MODULES = sorted(f"index.{path.stem}" for path in (ROOT / "index").glob("*.py") if path.stem != "__init__")
HEAVY = ("faiss", "pymilvus", "onnxruntime", "torch", "sentence_transformers", "spacy")


def test_importing_every_index_module_loads_no_heavy_library() -> None:
    code = f"import sys\nimport {', '.join(MODULES)}\nprint(sorted(set({HEAVY!r}) & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr
