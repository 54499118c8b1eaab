"""Servers on 127.0.0.1 for the tests, the manual's screenshots and the benchmarks, written once.

    serving(app)                 the app on werkzeug's threaded server in a thread of this process; yields its URL
    in_thread(server)            any socketserver (http.server's, with a handler of the test's) in a daemon thread
    start(command, port, ...)    a server command in a child process, polled until `path` answers 200
    stop(process)                SIGTERM (gunicorn's and nginx's graceful stop), SIGKILL to its group if it hangs
    running(command, port, ...)  start ... stop as a context manager
    free_port()                  a port free now, for a server started in another process

Only the standard library and werkzeug (imported when a server is made): tests/, docs/ and benchmarks/ import
this module, and it imports none of them, nor the app.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, by construction


class ServerDidNotStart(RuntimeError):
    """The command exited, or did not answer within its time; the message ends with the tail of its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now, for a server started in another process."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def in_thread(server):
    """server.serve_forever() in a daemon thread; yields the server, shut down and closed however the block ends."""
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serving(app, quiet: bool = False):
    """The WSGI app on a real HTTP server (127.0.0.1, a free port) in a daemon thread; yields its base URL.
    quiet: no access-log line per request (a benchmark's report, the screenshots' output)."""
    from werkzeug.serving import make_server

    if quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with in_thread(make_server(HOST, 0, app, threaded=True)) as server:
        yield f"http://{HOST}:{server.server_port}"


def answers(port: int, path: str, timeout: float = 2) -> bool:
    """Whether GET `path` on a new connection is answered 200 (the status line is all that is read)."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            status = b""
            while len(status) < 12:
                chunk = sock.recv(12 - len(status))
                if not chunk:
                    break
                status += chunk
            return status.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200"))
    except OSError:
        return False


def _tail(log_path: Path | None) -> str:
    if log_path is None or not Path(log_path).is_file():
        return ""
    return ":\n" + Path(log_path).read_text(errors="replace")[-3000:]


def start(command: list[str], port: int, *, path: str = "/healthz", env: dict | None = None, cwd: Path | None = None,
          log_path: Path | None = None, timeout: float = 90, request_timeout: float = 10) -> subprocess.Popen:
    """`command` in a new session (so that stop() can end its whole group), its output in log_path (a file, not a
    pipe: a full pipe would stall the server mid-run) or discarded; returns once GET `path` on `port` answers 200.
    Raises ServerDidNotStart, with the log's tail, if the process exits first or `timeout` seconds pass.
    request_timeout: how long one GET may take (the first answer from a large registry can take seconds)."""
    if log_path is None:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
    else:
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
    process.log_path = log_path
    deadline = time.monotonic() + timeout
    while not answers(port, path, request_timeout):
        if process.poll() is not None:
            raise ServerDidNotStart(f"the server exited ({process.returncode}): {' '.join(command)}{_tail(log_path)}")
        if time.monotonic() > deadline:
            stop(process)
            raise ServerDidNotStart(f"the server did not answer {path} within {timeout:g} s: {' '.join(command)}"
                                    f"{_tail(log_path)}")
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen, timeout: float = 45) -> int:
    """SIGTERM, then SIGKILL to the process group if it has not ended within `timeout` s; returns its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    return process.returncode


@contextmanager
def running(command: list[str], port: int, *, stop_timeout: float = 45, **options):
    """start(command, port, **options) ... stop(process): yields the process, stopped however the block ends."""
    process = start(command, port, **options)
    try:
        yield process
    finally:
        stop(process, stop_timeout)
