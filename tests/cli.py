"""The `qa` command run by its `main` in the test process: the models load once for the whole run
instead of once per command, as a subprocess would (tests that need the real entry point still start
one)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

QA = [sys.executable, "-m", "ui.cli"]


def run_qa(argv: Sequence[str], env: Mapping[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`qa ARGV` with `env` as the whole environment and `stdin` as its input; the exit code, stdout and
    stderr as `subprocess.run` would give them."""
    from ui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env, clear=True),
        mock.patch("sys.stdin", io.StringIO(stdin)),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        try:
            code = main(list(argv))
        except SystemExit as stop:  # argparse's usage errors
            code = stop.code if isinstance(stop.code, int) else 2
    return subprocess.CompletedProcess([*QA, *argv], code, out.getvalue(), err.getvalue())
