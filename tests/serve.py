"""`qa serve` as a user starts it: the real command on a free port, until the block ends."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"`qa serve` exited with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"`qa serve` did not answer on {url} in {SERVER_START_SECONDS} s:\n{log.read_text()[-3000:]}")


@contextmanager
def qa_serve(store: Path, env: Mapping[str, str], log: Path) -> Iterator[str]:
    """`qa serve --store STORE` with `env` as its whole environment; yields its URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    qa = Path(sys.executable).with_name("qa")
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(qa), "serve", "--port", str(port), "--store", str(store)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**env, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"},
            cwd=ROOT,
        )
    try:
        _wait_until_serving(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
