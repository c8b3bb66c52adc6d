"""`qa index URL...` and `qa watch FEED...` through the real entry point (a subprocess, the fake encoder),
fetching from a local site on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.ui.test_cli import QA, qa
from tests.web import BRIDGE, FERRY, LocalSite, article_page, make_pdf, refused_url, rss_feed

ROUND = re.compile(
    r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}  (\d+) new, (\d+) updated, (\d+) already indexed, (\d+) failed"
)


def serve_feed(site: LocalSite) -> str:
    bridge = site.add(
        "/news/bridge",
        article_page("Harbour bridge reopens", BRIDGE, site_name="Coastal Gazette", published="2024-05-03"),
    )
    ferry = site.add("/news/ferry", article_page("Ferry sails again", FERRY, site_name="Coastal Gazette"))
    items = [("Bridge", bridge, "2024-05-02"), ("Ferry", ferry, "2024-05-06")]
    return site.add("/rss.xml", rss_feed("Coastal Gazette", items), "application/rss+xml")


def articles(store: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in qa("articles", "--json", store=store).stdout.splitlines()]


def test_index_urls_gives_one_line_per_failed_one_and_indexes_the_rest(
    site: LocalSite, tmp_path: Path
) -> None:
    good = site.add(
        "/news/bridge", article_page("Harbour bridge reopens", BRIDGE, site_name="Coastal Gazette")
    )
    missing, refused = site.url("/news/missing"), refused_url()
    result = qa("index", missing, good, refused, store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 added, 0 updated, 0 unchanged, 2 failed")
    assert [line for line in result.stderr.splitlines() if line.startswith("qa index:")] == [
        f"qa index: skipped {missing}: HTTP 404 Not Found; check the address",
        f"qa index: skipped {refused}: connection refused; check the address and that the site is up",
    ]
    [article] = articles(tmp_path / "store")
    assert (article["title"], article["source"], article["url"]) == (
        "Harbour bridge reopens",
        "Coastal Gazette",
        good,
    )


def test_indexing_the_same_url_again_updates_it_in_place(site: LocalSite, tmp_path: Path) -> None:
    url = site.add("/news/ferry", article_page("Ferry sails again", FERRY))
    qa("index", url, store=tmp_path / "store")
    site.add("/news/ferry", article_page("Ferry sails again", [*FERRY, "The next crossing is on Friday."]))
    result = qa("index", url, store=tmp_path / "store")
    assert result.stdout.startswith("0 added, 1 updated, 0 unchanged, 0 failed")
    assert len(articles(tmp_path / "store")) == 1


def test_index_a_feed_twice_fetches_its_items_once(site: LocalSite, tmp_path: Path) -> None:
    feed = serve_feed(site)
    first = qa("index", feed, store=tmp_path / "store")
    assert first.stdout.splitlines()[:2] == [
        f"feed {feed}: 2 new, 0 already indexed",
        f"2 added, 0 updated, 0 unchanged, 0 failed (store: {tmp_path / 'store'})",
    ]
    assert [(a["title"], a["published"]) for a in articles(tmp_path / "store")] == [
        ("Harbour bridge reopens", "2024-05-03"),
        ("Ferry sails again", "2024-05-06"),
    ]
    site.requests.clear()
    again = qa("index", feed, store=tmp_path / "store")
    assert again.stdout.splitlines()[0] == f"feed {feed}: 0 new, 2 already indexed"
    assert site.requests == ["/rss.xml"]


def test_index_a_pdf_file(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(
        make_pdf([["Water Board annual report", "", "Revenue rose by ten percent, the board said."]])
    )
    result = qa("index", str(pdf), store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    [article] = articles(tmp_path / "store")
    assert (article["title"], article["sentences"]) == ("Water Board annual report", 2)


def test_watch_once_indexes_the_feed_and_prints_one_line_for_the_round(
    site: LocalSite, tmp_path: Path
) -> None:
    feed = serve_feed(site)
    result = qa("watch", feed, "--once", store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    match = ROUND.fullmatch(line)
    assert match is not None and match.groups() == ("2", "0", "0", "0"), line


def test_watch_rounds_index_only_what_is_new(site: LocalSite, tmp_path: Path) -> None:
    feed = serve_feed(site)
    result = qa("watch", feed, "--times", "2", "--every", "0.1s", store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    rounds = [ROUND.fullmatch(line) for line in result.stdout.splitlines()]
    assert [m.groups() if m else None for m in rounds] == [("2", "0", "0", "0"), ("0", "0", "2", "0")]


@pytest.mark.parametrize("interval", ["15", "soon", "0s", "5 minutes", "1d"])
def test_watch_refuses_a_bad_interval_with_one_line(tmp_path: Path, interval: str) -> None:
    result = qa("watch", "feed.xml", "--every", interval, store=tmp_path / "store")
    assert result.returncode == 2
    assert result.stderr == (
        "qa watch: argument --every: the interval must be a number with s, m or h, e.g. 30s, 15m or 1h; "
        f"got {interval!r} (see `qa watch --help`)\n"
    )


def test_watch_stops_cleanly_on_ctrl_c(site: LocalSite, tmp_path: Path) -> None:
    feed = serve_feed(site)
    env = {**os.environ, "QA_MODEL": "hashing-64"}
    watcher = subprocess.Popen(
        [*QA, "watch", feed, "--every", "1h", "--store", str(tmp_path / "store")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # as from a terminal: a suite started in the background (`.ci/run &`) has SIGINT ignored, and
        # a child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert watcher.stdout is not None
        ready, _, _ = select.select([watcher.stdout], [], [], 60)
        assert ready, "no round line within 60 s"
        assert ROUND.fullmatch(watcher.stdout.readline().rstrip("\n"))
        time.sleep(0.2)  # into the sleep between rounds
        watcher.send_signal(signal.SIGINT)
        _, stderr = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert watcher.returncode == 0
    assert stderr == "qa watch: stopped\n"
