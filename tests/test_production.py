"""The README's production command with the shipped gunicorn config survives slow clients (issue 15, part 5).

Six clients open connections and trickle their request headers one byte at a time; meanwhile an
ordinary request must still be answered. With the old command (`gunicorn -w 4`, sync workers)
four such clients left nobody to answer. The server runs here with ONE worker, the harshest case:
only its threads keep it available.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import ROOT, free_port

SLOW_CLIENTS = 6
TRICKLE_SECONDS = 20  # longer than the ordinary request's timeout below, so a starved server fails


@pytest.fixture()
def production_server(tmp_path, registry_db):
    port = free_port()
    env = dict(os.environ, REGISTRY_DB=str(registry_db), REGISTRY_TILES="none", WEB_CONCURRENCY="1")
    log_path = tmp_path / "gunicorn.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-b", f"127.0.0.1:{port}",
         "webmap:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start: " + log_path.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        yield base, port, log_path
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def trickle(port: int, stop: threading.Event, connected: threading.Barrier) -> None:
    """A client that sends its request line and then one header byte every 0.2 s, never finishing."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        connected.wait(timeout=10)
        deadline = time.monotonic() + TRICKLE_SECONDS
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                sock.sendall(b"a")
            except OSError:
                return  # the server gave up on us: also fine
            stop.wait(0.2)


def test_slow_clients_do_not_starve_the_production_server(production_server, registry_rows):
    base, port, log_path = production_server
    stop = threading.Event()
    connected = threading.Barrier(SLOW_CLIENTS + 1)
    clients = [threading.Thread(target=trickle, args=(port, stop, connected), daemon=True) for _ in range(SLOW_CLIENTS)]
    for client in clients:
        client.start()
    try:
        connected.wait(timeout=10)
        time.sleep(1.0)  # every slow client has been accepted and is mid-request
        assert all(c.is_alive() for c in clients)
        for path in ("/api/projects?per_page=5", "/healthz", "/projects"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                assert response.status == 200
                body = response.read()
        with urllib.request.urlopen(base + "/api/facets", timeout=10) as response:
            assert json.loads(response.read())["total"]["count"] == len(registry_rows)
        assert all(c.is_alive() for c in clients), "the slow clients were still sending throughout"
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=10)
    log = log_path.read_text(errors="replace")
    assert "gthread" in log  # the shipped config's worker class is what ran
    assert body
