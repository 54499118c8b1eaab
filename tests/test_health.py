"""/healthz, and a 503 that says so for a registry that is missing, corrupt or not a registry (issue 15, part 4)."""
from __future__ import annotations

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
