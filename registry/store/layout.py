"""Where the registry's database is and which columns its full-text index covers: shared by the build
(registry/store/store.py) and the readers (registry/store/query.py, the web app).

Kept apart from store.py so that a server worker, which only reads, never imports the build's libraries:
sqlite-utils (which imports pandas when it is installed) and shapely hold ~40 MB of every worker's memory.
"""
from __future__ import annotations

from registry.rows.documents import PROJECT_ROOT

DEFAULT_DB = PROJECT_ROOT / "registry.db"
SEARCH_COLUMNS = ("name", "subtype", "city", "county", "town", "site")
