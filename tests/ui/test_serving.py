"""`qa serve` cuts gradio's own work around each event (`ui.app._lighten_events`)."""

from __future__ import annotations

import importlib
import os
import sys

import pytest

from ui import app


def test_a_missing_optional_module_fails_at_once_and_an_installed_one_still_imports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app, "RETRIED_IMPORTS", ("newsqa_surely_not_installed", "json"))
    monkeypatch.delenv("GRADIO_ANALYTICS_CACHE_FREQUENCY", raising=False)
    try:
        app._lighten_events()
        assert sys.modules["newsqa_surely_not_installed"] is None
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("newsqa_surely_not_installed")
        assert importlib.import_module("json").dumps([1]) == "[1]"
    finally:
        sys.modules.pop("newsqa_surely_not_installed", None)
    assert int(os.environ["GRADIO_ANALYTICS_CACHE_FREQUENCY"]) == app.ANALYTICS_EVERY
