"""The production setup survives slow clients (issue 15, part 5; issue 22, parts 5 and 6).

gunicorn alone with the shipped config (threads):

Six clients open connections and trickle their request headers one byte at a time; meanwhile an
ordinary request must still be answered. With the old command (`gunicorn -w 4`, sync workers)
four such clients left nobody to answer. The server runs here with ONE worker, the harshest case:
only its threads keep it available.

`registry serve --production` (nginx in front of gunicorn, webmap/production.py): a thousand clients
trickling their headers a byte a second, and ordinary requests are still answered; a 16 MB URL and
a 16 MB header are refused with JSON as soon as nginx has read 8 KB of them. (How fast: benchmarks/
slow_clients.py; tests assert what is answered, not how quickly.)
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks.servers import running, start, stop
from conftest import ROOT, free_port

SLOW_CLIENTS = 6
TRICKLE_SECONDS = 20  # longer than the ordinary request's timeout below, so a starved server fails


@pytest.fixture()
def production_server(tmp_path, registry_db):
    port = free_port()
    env = dict(os.environ, REGISTRY_DB=str(registry_db), REGISTRY_TILES="none", WEB_CONCURRENCY="1")
    log_path = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-b", f"127.0.0.1:{port}",
               "webmap:create_app()"]
    with running(command, port, env=env, cwd=ROOT, log_path=log_path, timeout=30, stop_timeout=20):
        yield f"http://127.0.0.1:{port}", port, log_path


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
    assert "Using worker: webmap.gunicorn_worker.JSONErrorsThreadWorker" in log  # the shipped config's (gthread)
    assert body


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
THOUSAND = 1000


def open_files_for(count: int) -> None:
    """Raise this process's soft open-file limit so that it can hold `count` sockets (and its own files)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the open-file limit (ulimit -Hn {hard}) is below {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@pytest.fixture(scope="module")
def production_command(tmp_path_factory, registry_db):
    """`registry serve --production` on a free port: the command the manual gives operators."""
    if not Path(NGINX).exists():
        message = "nginx is not installed (apt-get install nginx-light)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    port = free_port()
    log_path = tmp_path_factory.mktemp("production") / "serve.log"
    env = dict(os.environ, REGISTRY_TILES="none", WEB_CONCURRENCY="1")  # one worker: the harshest case
    process = start([sys.executable, "-m", "registry.cli", "serve", "--production", "--db", str(registry_db),
                     "--port", str(port)], port, env=env, cwd=ROOT, log_path=log_path, timeout=60)
    try:
        yield f"http://127.0.0.1:{port}", port, log_path
    finally:
        stop(process, timeout=45)
    assert process.returncode == 0, log_path.read_text(errors="replace")[-2000:]
    assert "registry-production-" not in " ".join(os.listdir(tempfile.gettempdir()))  # its run folder removed


def still_open(sock: socket.socket) -> bool:
    """Whether the server has kept this connection open (nothing to read, no end of stream)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def test_a_thousand_slow_clients_do_not_stop_the_production_server(production_command, registry_rows):
    base, port, _log = production_command
    open_files_for(THOUSAND)
    slow = []
    try:
        for _ in range(THOUSAND):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(sock)
        stop = threading.Event()

        def trickle():  # a byte a second on every connection, none of them ever finishing its headers
            while not stop.wait(1.0):
                for sock in slow:
                    try:
                        sock.send(b"a")
                    except OSError:
                        pass

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        time.sleep(1.5)  # every slow client accepted and mid-header
        answered = []
        for path in ("/api/projects?per_page=5", "/healthz", "/projects", "/api/facets", "/") * 4:
            with urllib.request.urlopen(base + path, timeout=10) as response:
                body = response.read()
                answered.append((path, response.status))
                if path == "/api/facets":
                    assert json.loads(body)["total"]["count"] == len(registry_rows)
        stop.set()
        trickler.join(timeout=10)
        assert all(status == 200 for _, status in answered) and len(answered) == 20
        # The slow clients were held, not dropped, while the others were served.
        assert sum(still_open(sock) for sock in slow) == THOUSAND
    finally:
        for sock in slow:
            sock.close()


def whole(answer: bytes) -> bool:
    """Whether `answer` holds a response's head and all of its Content-Length body (the server may still be
    reading what the client sends, so the end of the stream cannot be awaited)."""
    head, found, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"^content-length: *(\d+)", head, re.I | re.M)
    return bool(found and length and len(body) >= int(length.group(1)))


def refused(port: int, request_head: bytes) -> tuple[int, dict]:
    """Send a request whose head is `request_head` (16 MB, sent in a thread) and read the answer's status and JSON."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        def send():
            try:
                sock.sendall(request_head)
            except OSError:
                pass  # the server answered and closed before reading it all: what we want

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        while not whole(answer) and (chunk := sock.recv(65536)):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert re.search(rb"content-type: application/json", head, re.I), head
    return int(head.split()[1]), json.loads(body)


def test_a_16_mb_url_or_header_is_refused_in_json(production_command):
    _base, port, _log = production_command
    huge = b"x" * (16 * 1024 * 1024)
    for path in (b"/api/projects?q=", b"/projects?q="):
        status, body = refused(port, b"GET " + path + huge + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert status == 414 and "longer than" in body["error"]["message"]
    status, body = refused(port, b"GET /api/facets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + huge + b"\r\n\r\n")
    assert status == 431 and body["error"]["parameter"] == "headers"
    # A URL just under the app's limit still reaches it and is answered.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/facets?padding=" + "x" * 7900, timeout=10) as response:
        assert response.status == 200


def test_a_port_in_use_is_one_line_before_anything_starts(registry_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "registry.cli", "serve", "--production", "--db", str(registry_db),
                                 "--port", str(port)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, REGISTRY_TILES="none"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: cannot listen on 127.0.0.1:{port}: Address already in use"]
