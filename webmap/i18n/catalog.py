"""The gettext catalog: extract the app's messages, merge them into the .po, compile the .mo.

    python -m webmap.i18n update     extract, merge, compile (the one command after adding a string)
    python -m webmap.i18n check      exit 1, naming them, if a message lacks a Chinese translation

Messages come from three places: `_()` in the templates, `N_()` and FilterError messages in the
Python (babel.cfg says where), and the (English, Chinese) label tables below, each under its own
msgctxt (`heading`, `field`, …), whose Chinese is written into the .po as the translation. A
translator edits the .po for the first two kinds and the pair's Chinese for the third.
"""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from registry.targets.indicators import INDICATORS
from registry.rows.labels import FIELDS, LOCATED_LABELS, PRECISION_LABELS, STAGE_LABELS
from registry.store.planlist import LEVELS
from registry.rows.schema import PROJECT_TYPES
from registry.store.target_compare import LEVEL_LABELS
from webmap import about, labels, locmethod, plans, targets_page
from webmap.i18n import DOMAIN, LANGUAGES, TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
# FilterError(parameter, message, …): its second argument is a message.
KEYWORDS = {**DEFAULT_KEYWORDS, "FilterError": (2,)}
LOCALE = LANGUAGES["zh"]
PO = TRANSLATIONS / LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")


def pair_tables() -> dict[str, dict[str, tuple[str, str]]]:
    """msgctxt -> {key: (English, Chinese)}: every label table the app picks one language from."""
    return {
        "heading": labels.HEADINGS, "family": labels.FAMILY_LABELS, "precision_symbol": labels.PRECISION_SYMBOLS,
        "field": FIELDS, "stage": STAGE_LABELS, "precision": PRECISION_LABELS, "located": LOCATED_LABELS,
        "type": PROJECT_TYPES, "plan": plans.PLAN_LABELS, "status": plans.PLAN_STATUSES, "plan_level": LEVELS,
        "compare": targets_page.COMPARE_LABELS,
        "level": {k: (english, chinese) for k, (chinese, english) in LEVEL_LABELS.items()},
        "indicator": {k: (i.label_en, i.label_zh) for k, i in INDICATORS.items()},
        "about": about.ABOUT_TEXT, "location_level": locmethod.LEVELS, "location_step": locmethod.STEPS,
        "location_detail": {**{k: v for k, v in locmethod.DETAILS.items() if v[0]},
                            "end": ("end not found: %(detail)s", "端点未找到：%(detail)s")},
    }


def extract() -> Catalog:
    """Every message of the app, with the label tables' Chinese as translations."""
    catalog = Catalog(locale=LOCALE, project="carbon-peak-registry", fuzzy=False)
    method_map = [("webmap/**.py", "python"), ("registry/**.py", "python"), ("webmap/templates/**.html", "jinja2")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if isinstance(message, str) and message.strip() and not filename.startswith((".venv", "build")):
            catalog.add(message, locations=[(filename, lineno)], auto_comments=comments, context=context)
    for context, table in pair_tables().items():
        for key, (english, chinese) in table.items():
            clash = catalog.get(english, context)
            if clash is not None and clash.string and clash.string != chinese:
                raise SystemExit(f"{context} {english!r}: two Chinese labels ({clash.string!r}, {chinese!r}); "
                                 "give one of them other English words")
            catalog.add(english, chinese, locations=[(f"pair:{context}", 0)], context=context,
                        auto_comments=[f"key {key}"])
    return catalog


def read_catalog(path: Path = PO) -> Catalog:
    if not path.exists():
        return Catalog(locale=LOCALE)
    with open(path, "rb") as handle:
        return read_po(handle, locale=LOCALE)


def merged() -> Catalog:
    """The extracted messages, each with its existing translation (pairs: the pair's Chinese wins)."""
    template, existing = extract(), read_catalog()
    for message in template:
        if not message.id:
            continue
        old = existing.get(message.id, message.context)
        if not message.string and old is not None and old.string:
            message.string = old.string
    return template


def missing(catalog: Catalog) -> list[str]:
    return [f"{m.context + ': ' if m.context else ''}{m.id!r} ({', '.join(f'{f}:{n}' for f, n in m.locations)})"
            for m in catalog if m.id and not m.string]


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update() -> list[str]:
    """Write the .po and the .mo; the messages still without a translation."""
    catalog = merged()
    catalog.revision_date = catalog.creation_date = _fixed_date()
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(po_bytes(catalog))
    MO.write_bytes(mo_bytes(read_catalog()))
    return missing(catalog)


def _fixed_date():
    # The catalog's header dates stay fixed, so that `update` on unchanged sources changes no file.
    from datetime import datetime, timezone

    return datetime(2026, 1, 1, tzinfo=timezone.utc)
