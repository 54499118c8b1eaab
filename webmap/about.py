"""/about: what this registry is, which build is being served, its sources and licences, how to cite it.

The facts are `registry.about.registry_info`, the same that `registry info` prints and that the
XLSX About sheet and the GeoJSON export's `metadata` carry.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from registry.about import registry_info
from webmap import get_registry

bp = Blueprint("about", __name__)


@bp.get("/about")
def about_page():
    return render_template("about.html", info=registry_info(get_registry()))
