"""The registry's web app: map, list, project pages, exports and JSON API over one SQLite file.

    create_app({"REGISTRY_DB": "registry.db", "REGISTRY_TILES": "none"})

Configuration, weakest first: built-in defaults, then environment variables
(`REGISTRY_DB`, `REGISTRY_TILES`, `REGISTRY_TILES_ATTRIBUTION`, `REGISTRY_BASEMAP`), then the
`config` mapping passed to `create_app`.
"""
from __future__ import annotations

import os

from flask import Flask

from registry.rows.root import DATABASE, find_root

ENV_SETTINGS = ("REGISTRY_DB", "REGISTRY_TILES", "REGISTRY_TILES_ATTRIBUTION", "REGISTRY_BASEMAP")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    # The registry folder as the CLI finds it ($REGISTRY_ROOT, the current folder, the shipped one).
    app.config.update(REGISTRY_DB=str(find_root(required=False) / DATABASE), REGISTRY_TILES="none", REGISTRY_TILES_ATTRIBUTION="")
    app.config.update({name: os.environ[name] for name in ENV_SETTINGS if os.environ.get(name)})
    app.config.update(config or {})
    # Unicode in JSON as written: the data is Chinese, and \u escapes only make it bigger.
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the documented order: total, page, …, and the CSV column order

    from webmap import (about, alternates, api, assets, basemap, db, downloads, errors, health, http, i18n, labels, mapapi,
                        mapframe, openapi, pages, plans, security, targets_page)

    i18n.init_app(app)

    mapframe.check_tiles_setting(app.config["REGISTRY_TILES"])
    app.register_blueprint(mapframe.vendor)
    assets.init_app(app)
    basemap.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(mapapi.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(about.bp)
    http.init_app(app)
    app.register_blueprint(plans.bp)
    app.register_blueprint(targets_page.bp)
    app.jinja_env.globals.update(labels.template_globals())
    app.jinja_env.globals["csp_nonce"] = security.csp_nonce
    app.jinja_env.globals["alternate_links"] = alternates.alternate_links
    db.init_app(app)
    errors.init_app(app)
    health.init_app(app)
    security.init_app(app)
    return app
