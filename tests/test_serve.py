"""`registry serve`: the command a newcomer runs, on a real port, answering as the API does."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from conftest import SHIPPED_CSV, free_port, read_rows


def raw_get(port: int, target: bytes) -> tuple[int, bytes]:
    """GET with the request target sent as given: curl sends typed Chinese unencoded, as raw UTF-8."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        response = b""
        while chunk := conn.recv(65536):
            response += chunk
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_serve_answers_raw_and_percent_encoded_chinese_alike(registry_db):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "registry.cli", "serve", "--db", str(registry_db),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _ = raw_get(port, b"/api/facets")
                break
            except OSError:
                assert time.monotonic() < deadline, "registry serve did not start"
                time.sleep(0.2)
        assert status == 200
        expected = sum(1 for row in read_rows(SHIPPED_CSV) if row["county"] == "大悟县")
        assert expected > 0
        for target in ("/api/facets?county=大悟县".encode("utf-8"), b"/api/facets?county=%E5%A4%A7%E6%82%9F%E5%8E%BF"):
            status, body = raw_get(port, target)
            assert status == 200 and json.loads(body)["total"]["count"] == expected, target
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_missing_registry(tmp_path):
    result = subprocess.run([sys.executable, "-m", "registry.cli", "serve", "--db", str(tmp_path / "none.db")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "no registry database" in result.stderr and "registry build" in result.stderr
