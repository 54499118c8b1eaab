"""One language at a time: Chinese by default, English with `?lang=en`, from gettext catalogs.

    init_app(app)            Flask-Babel with the request's language; every url_for keeps ?lang=en
    current_lang()           "zh" or "en" for the request being served ("zh" outside a request)
    pick(pair, context)      one of an (English, Chinese) label pair, through the catalog
    translate(msgid, lang)   gettext outside a request (the CLI's export headers)

The messages are English msgids; webmap/translations/zh_Hans/LC_MESSAGES/messages.po holds the
Chinese. The label tables of (English, Chinese) pairs (webmap/labels.py HEADINGS and the others
that webmap.i18n.catalog lists) feed that catalog: `python -m webmap.i18n update` writes each pair's
Chinese into the .po under the table's msgctxt and compiles the .mo. A pair added since the last
update still shows in one language (its own Chinese), and tests/test_i18n.py fails until the
catalog is updated.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request
from markupsafe import Markup, escape

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
# URL value -> Babel locale of the catalog. Chinese is the default and carries no parameter.
LANGUAGES = {"zh": "zh_Hans", "en": "en"}
DEFAULT_LANG = "zh"
LANG_PARAMETER = "lang"
TIMEZONE = "Asia/Shanghai"
# Endpoints whose URLs name files, not pages: no ?lang on them.
_NO_LANG_ENDPOINTS = ("static", "vendor.", "basemap.")


def N_(msgid: str) -> str:
    """Marks a message for `python -m webmap.i18n update` where it is defined; translated where shown."""
    return msgid


def current_lang() -> str:
    if not has_request_context():
        return DEFAULT_LANG
    try:
        value = request.args.get(LANG_PARAMETER, "")
    except UnicodeDecodeError:  # a query string that is not UTF-8: its error page is in the default language
        return DEFAULT_LANG
    return value if value in LANGUAGES else DEFAULT_LANG


@lru_cache(maxsize=None)
def translations_of(lang: str) -> NullTranslations:
    """The compiled catalog of a language (English, the msgids' language, has none)."""
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [LANGUAGES[lang]], DOMAIN)


def translate(msgid: str, lang: str | None = None, context: str | None = None) -> str:
    translations = translations_of(lang or current_lang())
    return translations.pgettext(context, msgid) if context else translations.gettext(msgid)


def pick(pair: tuple[str, str], context: str, lang: str | None = None) -> str:
    """One side of an (English, Chinese) pair: the catalog's Chinese, else the pair's own (a pair added
    since the catalog was last updated), or the English."""
    english, chinese = pair
    lang = lang or current_lang()
    if lang == "en":
        return english
    found = translate(english, lang, context)
    return found if found != english else chinese


_PLACEHOLDER = re.compile(r"%\((\w+)\)([rs])")


def filter_error_message(error) -> Markup:
    """A FilterError's message in the request's language: its template through the catalog, then its values,
    escaped, the text the reader gave marked translate="no" (it is shown as typed in either language)."""
    template = getattr(error, "template", error.message)
    values = getattr(error, "values", None) or {}
    try:
        translated = translate(template)
        if not values:
            return escape(translated)
        shown = {name: value for name, value in values.items()}
        for name, conversion in _PLACEHOLDER.findall(translated):
            text = repr(values[name]) if conversion == "r" else str(values[name])
            shown[name] = Markup('<span translate="no">%s</span>') % text
        return escape(_PLACEHOLDER.sub(r"%(\1)s", translated)) % shown
    except (KeyError, TypeError, ValueError):  # a translation whose placeholders do not match: the original
        return escape(error.message)


# An HTML error page's sentence by status; the JSON answer keeps its specific English message.
STATUS_MESSAGES = {
    400: N_("The request is not valid."),
    404: N_("There is no such page."),
    405: N_("This page cannot be used with this method."),
    413: N_("The request is too large."),
    414: N_("The address is too long."),
    429: N_("Too many requests: try again shortly."),
    500: N_("Internal error: the problem has been logged."),
    503: N_("The registry is not available right now: try again shortly."),
}


def status_message(status: int, fallback: str) -> str:
    return translate(STATUS_MESSAGES[status]) if status in STATUS_MESSAGES else fallback


def beijing_time(iso: str) -> str:
    """An ISO 8601 instant (the registry's UTC build time) in Beijing time: "2026-12-07 14:20" (the page labels
    it 北京时间 / Beijing time). Text that is not an instant is shown as it is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        instant = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    if instant.tzinfo is None:
        return iso
    return instant.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M")


def csv_header(lang: str) -> list[str]:
    """The CSV export's header row in one language (registry.rows.labels.FIELDS); the cells keep their codes."""
    from registry.rows.labels import FIELDS
    from registry.rows.schema import PROJECT_COLUMNS

    return [pick(FIELDS[column], "field", lang) for column in PROJECT_COLUMNS]


def lang_query(lang: str | None = None) -> list[tuple[str, str]]:
    """The query pair that keeps a language in a link: none for the default."""
    lang = lang or current_lang()
    return [] if lang == DEFAULT_LANG else [(LANG_PARAMETER, lang)]


def switch_url(lang: str) -> str:
    """This page in another language: the same path and query, ?lang replaced."""
    try:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k != LANG_PARAMETER]
    except UnicodeDecodeError:
        pairs = []
    query = urlencode(pairs + lang_query(lang))
    return request.path + (f"?{query}" if query else "")


def init_app(app: Flask) -> None:
    from flask_babel import Babel

    app.config.setdefault("BABEL_DEFAULT_LOCALE", LANGUAGES[DEFAULT_LANG])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=lambda: LANGUAGES[current_lang()], timezone_selector=lambda: TIMEZONE)

    @app.url_defaults
    def keep_language(endpoint: str, values: dict) -> None:
        # Every link, form action, pagination and export link the page makes keeps ?lang=en.
        if has_request_context() and current_lang() != DEFAULT_LANG and not endpoint.startswith(_NO_LANG_ENDPOINTS):
            values.setdefault(LANG_PARAMETER, current_lang())

    app.jinja_env.globals.update(current_lang=current_lang, switch_url=switch_url, lang_query=lang_query,
                                 filter_error_message=filter_error_message, beijing_time=beijing_time)
