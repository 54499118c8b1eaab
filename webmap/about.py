"""/about: what this registry is, which build is being served, its sources and licences, how to cite it.

The facts are `registry.about.registry_info`, the same that `registry info` prints and that the
XLSX About sheet and the GeoJSON export's `metadata` carry.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from registry.about import NOT_LOCATED_NOTE, export_counts, registry_info
from registry.query import ProjectFilter
from webmap.db import get_registry

bp = Blueprint("about", __name__)


@bp.get("/about")
def about_page():
    registry = get_registry()
    _count, not_located = export_counts(registry, ProjectFilter())
    return render_template("about.html", info=registry_info(registry), not_located=not_located,
                           not_located_note=NOT_LOCATED_NOTE)
