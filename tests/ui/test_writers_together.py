"""A feed watcher and an upload in the app write to one store at the same time, and both land.

The real parts: `qa watch` (a subprocess) reads a feed from a local site, `qa serve` (another) takes
articles through its named API (`/add_articles`, as the app's upload does), both on the same store, with
enough articles for each to commit several batches while the other writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from tests.serve import qa_serve
from tests.ui.test_cli import qa
from tests.web import LocalSite, article_page, rss_feed

FEED_ITEMS = 70  # two batches each (`index.pipeline.BATCH_ARTICLES`)
UPLOADED = 70
TOWNS = ["Arden", "Belmont", "Corwin", "Dalby", "Easton", "Fenwick", "Garrow", "Holt"]


def _story(i: int, kind: str) -> list[str]:
    town = TOWNS[i % len(TOWNS)]
    return [
        f"The {kind} council of {town} met on day {i} and approved budget number {i * 7}.",
        f'"We kept our promise on item {i}," council leader Mara Voss told reporters in {town}.',
    ]


def serve_feed(site: LocalSite) -> str:
    items = []
    for i in range(FEED_ITEMS):
        url = site.add(f"/news/{i}", article_page(f"Feed story {i}", _story(i, "county")))
        items.append((f"Feed story {i}", url, "2024-05-02"))
    return site.add("/rss.xml", rss_feed("Coastal Gazette", items), "application/rss+xml")


def test_a_feed_watcher_and_an_upload_in_the_app_both_land(site: LocalSite, tmp_path: Path) -> None:
    from gradio_client import Client

    store = tmp_path / "store"
    env = {**os.environ, "QA_MODEL": "hashing-64"}
    env.pop("QA_AUTH", None)
    assert (
        qa("index", "-", store=store, stdin=json.dumps({"id": "first", "text": "A first story."})).returncode
        == 0
    )
    feed = serve_feed(site)
    uploads = [
        {"id": f"upload-{i}", "title": f"Uploaded story {i}", "text": "\n".join(_story(i, "city"))}
        for i in range(UPLOADED)
    ]
    with qa_serve(store, env, tmp_path / "serve.log") as url:
        client = Client(url, verbose=False)
        watcher = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "watch", feed, "--once", "--store", str(store)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        uploaded: dict[str, Any] = {}
        upload = threading.Thread(
            target=lambda: uploaded.update(client.predict(uploads, api_name="/add_articles"))
        )
        upload.start()
        out, err = watcher.communicate(timeout=600)
        upload.join(timeout=600)
    assert watcher.returncode == 0, err
    assert f"{FEED_ITEMS} new, 0 updated, 0 already indexed, 0 failed" in out
    assert (len(uploaded["added"]), uploaded["failed"]) == (UPLOADED, [])
    listed = [json.loads(line) for line in qa("articles", "--json", store=store).stdout.splitlines()]
    titles = {a["title"] for a in listed}
    assert {f"Feed story {i}" for i in range(FEED_ITEMS)} <= titles
    assert {f"Uploaded story {i}" for i in range(UPLOADED)} <= titles
    assert len(listed) == 1 + FEED_ITEMS + UPLOADED
