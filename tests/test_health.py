"""/healthz, and a 503 that says so for a registry that is missing, corrupt or not a registry (issue 15, part 4)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from webmap import create_app


def app_on(db: Path):
    return create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none", "TESTING": True})


def test_healthz_reports_build_time_and_row_count(client, registry_db, registry_rows):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    conn = sqlite3.connect(registry_db)
    built_at = conn.execute("SELECT value FROM registry_meta WHERE key = 'built_at'").fetchone()[0]
    conn.close()
    assert response.json == {"status": "ok", "built_at": built_at, "projects": len(registry_rows)}


def damaged(kind: str, good: Path, folder: Path) -> Path:
    db = folder / f"{kind.replace(' ', '-')}.db"
    if kind == "missing":
        return db
    if kind == "not sqlite":
        db.write_text("id,name\nthis is a CSV file saved under the registry's name\n")
    elif kind == "foreign sqlite":
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.commit()
        conn.close()
    else:  # every page after the first overwritten: the header reads, nothing else does
        data = bytearray(good.read_bytes())
        page_size = int.from_bytes(data[16:18], "big")
        data[page_size:] = bytes([0x5A]) * (len(data) - page_size)
        db.write_bytes(bytes(data))
    return db


@pytest.mark.parametrize("kind", ["missing", "not sqlite", "foreign sqlite", "corrupt pages"])
def test_an_unreadable_registry_answers_503_saying_so(tmp_path, registry_db, kind):
    db = damaged(kind, registry_db, tmp_path)
    client = app_on(db).test_client()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["status"] == "unavailable" and health.json["error"]

    for path in ("/api/projects", "/api/facets", "/api/map.json", "/export.geojson", "/export.csv"):
        response = client.get(path)
        assert response.status_code == 503, path
        message = response.json["error"]["message"]
        assert ("registry" in message and ("build" in message)), message
    for path in ("/", "/projects"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.mimetype == "text/html"
        assert "registry" in response.get_data(as_text=True)


def test_healthz_answers_503_when_bytes_inside_the_file_are_overwritten_in_place(tmp_path, registry_db):
    """The header and registry_meta still read, so a check of those alone said ok (issue 22, part 8)."""
    import shutil
    import urllib.error
    import urllib.request

    from conftest import serving

    db = tmp_path / "registry.db"
    shutil.copyfile(registry_db, db)

    def healthz(base: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with serving(app_on(db)) as base:
        assert healthz(base)[0] == 200
        inode = db.stat().st_ino
        middle = db.stat().st_size // 2
        with open(db, "r+b") as handle:  # in place: same inode, same size
            handle.seek(middle)
            original = handle.read(8192)
            handle.seek(middle)
            handle.write(bytes([0x5A]) * len(original))
        assert db.stat().st_ino == inode and db.stat().st_size == registry_db.stat().st_size
        status, body = healthz(base)
        assert status == 503 and body["status"] == "unavailable"
        assert "damaged" in body["error"] and "registry build" in body["error"]
        with open(db, "r+b") as handle:  # put the bytes back: healthy again, not stuck on the old answer
            handle.seek(middle)
            handle.write(original)
        status, body = healthz(base)
        assert status == 200 and body["status"] == "ok"
