"""add-plan's limits (registry/intake/limits.py, registry/intake/fetch.py): a 200 MB text, a DOCX bomb, a
PDF past the page cap and a URL that trickles are each refused in one line, within a bounded time and
memory, the registry folder unchanged; redirects to internal addresses are not followed.

The command runs in a process of its own (the real `registry` CLI), whose peak memory os.wait4 reports.
"""
from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from benchmarks.servers import in_thread
from conftest import ROOT
from test_add_plan import snapshot

EXAMPLES = ROOT / "docs" / "example"
MAX_RSS_KB = 500 * 1024


@pytest.fixture()
def registry_root(tmp_path) -> Path:
    from registry.rows.root import init_registry

    return init_registry(tmp_path / "registry")


# Runs the command and writes its peak RSS: measured from this small process, because a child forked straight
# from a pytest worker starts its ru_maxrss at the worker's own size (hundreds of MB after other tests).
_MEASURE = ("import os, subprocess, sys\n"
            "child = subprocess.Popen(sys.argv[2:])\n"
            "_, status, usage = os.wait4(child.pid, 0)\n"
            "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
            "sys.exit(os.waitstatus_to_exitcode(status))\n")


def add_plan(root: Path, source: str, *options: str, timeout: float = 120) -> tuple[int, str, float, int]:
    """`registry add-plan` in a child process: exit status, stderr, wall seconds, peak RSS in kB."""
    rss = root.parent / "rss.txt"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(rss), sys.executable, "-m", "registry.cli",
                             "--root", str(root), "add-plan", source, *options],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=timeout)
    return result.returncode, result.stderr, time.monotonic() - started, int(rss.read_text())


def assert_refused(root: Path, before: dict, result: tuple, *fragments: str) -> None:
    status, stderr, _seconds, rss = result
    lines = stderr.strip().splitlines()
    assert status == 1 and len(lines) == 1 and lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert rss <= MAX_RSS_KB, f"peak RSS {rss // 1024} MB"
    assert snapshot(root) == before


def test_a_200_mb_text_is_refused_before_it_is_read(tmp_path, registry_root):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: written in no time, and as large as the issue's
        handle.write("某市碳达峰实施方案\n".encode("utf-8"))
        handle.truncate(200_000_000)
    before = snapshot(registry_root)
    result = add_plan(registry_root, str(big))
    assert_refused(registry_root, before, result, "200,000,000 bytes", "over the 10,000,000-byte limit", "--max-bytes")
    # The option raises the cap: a 12 MB file past the default is read (and then refused as a binary file for its zeros).
    with open(big, "r+b") as handle:
        handle.truncate(12_000_000)
    assert_refused(registry_root, before, add_plan(registry_root, str(big)), "over the 10,000,000-byte limit")
    assert_refused(registry_root, before, add_plan(registry_root, str(big), "--max-bytes", "20000000"), "binary file")


def test_a_docx_bomb_is_refused_from_its_directory_without_inflating(tmp_path, registry_root):
    bomb = tmp_path / "plan.docx"
    paragraph = b"<w:p><w:r><w:t>" + "碳达峰实施方案".encode("utf-8") * 300 + b"</w:t></w:r></w:p>"
    chunk = paragraph * ((1 << 20) // len(paragraph))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(1_000_000_000 // len(chunk)):  # 1 GB inflated, a few MB on disk
                member.write(chunk)
    assert bomb.stat().st_size < 10_000_000
    before = snapshot(registry_root)
    result = add_plan(registry_root, str(bomb))
    assert_refused(registry_root, before, result, "inflates to 9", "over the 200,000,000-byte limit", "--max-inflated")


def test_a_pdf_past_the_page_cap_is_refused_before_its_pages_are_read(registry_root):
    before = snapshot(registry_root)
    result = add_plan(registry_root, str(EXAMPLES / "macheng_plan.pdf"), "--max-pages", "1")
    assert_refused(registry_root, before, result, "the PDF has", "over the 1-page limit", "--max-pages")


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Sends a plan a byte a second: each read gets a byte well within any per-read timeout."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        try:
            if self.path == "/headers":  # the status line itself, a byte at a time
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(1)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for byte in "某市碳达峰实施方案".encode("utf-8") * 5000:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass  # the client gave up, as it should

    def log_message(self, *args):
        pass


@pytest.fixture()
def trickle_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/body", "/headers"])
def test_a_url_that_trickles_is_refused_at_the_deadline(trickle_server, registry_root, path):
    before = snapshot(registry_root)
    result = add_plan(registry_root, trickle_server + path, "--timeout", "3", timeout=60)
    assert_refused(registry_root, before, result, "not downloaded within 3 s", "--timeout")


def test_redirects_to_internal_addresses_are_not_followed_from_a_public_url():
    from registry.intake.fetch import _next_hop
    from registry.intake.pdftext import NotAPlan

    public = "http://93.184.215.14/plan.html"  # an address literal: no name to resolve, no connection made
    for location in ("http://127.0.0.1:8000/admin", "http://10.0.0.5/plan", "http://169.254.169.254/latest/meta-data",
                     "http://[::1]/", "http://localhost/plan"):
        with pytest.raises(NotAPlan, match="loopback, private or link-local"):
            _next_hop(public, location, internal_allowed=False)
    with pytest.raises(NotAPlan, match="only http and https"):
        _next_hop(public, "file:///etc/passwd", internal_allowed=False)
    assert _next_hop(public, "/other.html", internal_allowed=False) == "http://93.184.215.14/other.html"
    # A URL on the intranet to begin with may move within it.
    assert _next_hop("http://10.0.0.5/a", "http://10.0.0.6/b", internal_allowed=True) == "http://10.0.0.6/b"


def test_a_redirect_on_the_machine_given_is_followed(tmp_path, registry_root):
    """The first URL was loopback already, so a redirect to loopback is allowed, hop by hop."""
    from test_add_plan import HONGAN_PLAN

    class Moved(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if self.path == "/old":
                self.send_response(301)
                self.send_header("Location", "/plan.txt")
                self.end_headers()
                return
            body = HONGAN_PLAN.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with in_thread(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Moved)) as server:
        from click.testing import CliRunner

        from registry.cli import cli

        result = CliRunner().invoke(cli, ["--root", str(registry_root), "add-plan", f"http://127.0.0.1:{server.server_port}/old"])
        assert result.exit_code == 0, result.output
        assert "红安县七里坪镇100MW农光互补光伏电站项目" in result.output
