"""MkDocs hook: the manual's reference pages, generated from the code at every build.

A page holds a marker line and this hook puts the generated Markdown in its place:

    <!-- reference: http -->        every route of the web app (Flask's url_map) and the JSON API, from the
                                    OpenAPI document the app itself serves (/api/openapi.json, through
                                    Flask's test client, so whichever function makes that document is used)
    <!-- reference: csv -->         projects.csv and targets.csv column by column, the project types, stages,
                                    precisions (registry/rows/schema.py, registry/exports/datapackage.py) and the indicator
                                    vocabulary (registry/targets/indicators.py)
    <!-- reference: benchmarks -->  every benchmark of `python -m benchmarks` with the command that reruns it

The CLI's reference is mkdocs-click's (the `::: mkdocs-click` block of reference-cli.md), from the click
command tree. The API's enumerations of plans come from a registry: $REGISTRY_DB if it names one (the tests
pass theirs), else the shipped registry built once into a temporary folder.
"""
from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.reference")


def _source_tree() -> Path:
    """The source tree of the installed registry package (an editable install), which holds benchmarks/."""
    from registry.rows.root import SHIPPED_ROOT

    return SHIPPED_ROOT
MARKER = re.compile(r"^<!-- reference: (\w+) -->$", re.M)
_cache: dict[str, str] = {}


def on_page_markdown(markdown: str, page, config, files) -> str:
    def generate(match: re.Match) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            log.warning("Doc file '%s' asks for an unknown reference '%s'", page.file.src_uri, name)
            return match.group(0)
        if name not in _cache:
            _cache[name] = GENERATORS[name]()
        return _cache[name]
    return MARKER.sub(generate, markdown)


def on_startup(command, dirty) -> None:
    _cache.clear()


def cell(text) -> str:
    """Table-cell text: one line, pipes escaped."""
    return re.sub(r"\s+", " ", str(text if text is not None else "")).replace("|", "\\|").strip()


def code(text) -> str:
    return f"`{cell(text)}`" if text not in (None, "") else ""


# --- HTTP ------------------------------------------------------------------------------------------------

def _app():
    from webmap import create_app

    db = os.environ.get("REGISTRY_DB")
    if not db or not Path(db).is_file():
        from click.testing import CliRunner

        from registry.cli import cli
        db = str(Path(tempfile.mkdtemp(prefix="manual-")) / "registry.db")
        result = CliRunner().invoke(cli, ["--root", str(_source_tree()), "build", "--db", db])
        if result.exit_code:
            raise RuntimeError(f"registry build for the manual's API reference failed: {result.output}")
    return create_app({"REGISTRY_DB": db, "REGISTRY_TILES": "none", "TESTING": True})


def openapi_path(rule: str) -> str:
    """/api/projects/<project_id> -> /api/projects/{project_id}, as OpenAPI writes a path."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _schema_text(schema: dict) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(filter(None, (_schema_text(s) for s in schema["anyOf"])))
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {_schema_text(schema.get('items', {}))}"
    if "enum" in schema:
        values = schema["enum"]
        shown = ", ".join(map(str, values[:12])) + (f", … ({len(values)} values)" if len(values) > 12 else "")
        return f"{kind} ({shown})"
    if "pattern" in schema and schema["pattern"] == "^\\s*$":
        return "blank"
    limits = [f"{word} {schema[key]}" for key, word in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
              if key in schema]
    return f"{kind}{' (' + ', '.join(limits) + ')' if limits else ''}"


def http_reference() -> str:
    app = _app()
    response = app.test_client().get("/api/openapi.json")
    if response.status_code != 200:
        raise RuntimeError(f"/api/openapi.json answered {response.status_code}")
    spec = response.get_json()
    lines = [f"OpenAPI {spec.get('openapi', '')}: **{cell(spec['info']['title'])}**, version "
             f"{cell(spec['info'].get('version', ''))}. {spec['info'].get('description', '')}", "",
             "The document itself: [`/api/openapi.json`](#every-route). Operations:", ""]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            lines += [f"### `{method.upper()} {path}`", "", cell(operation.get("summary", "")) + ".", ""]
            if operation.get("description"):
                lines += [operation["description"].strip(), ""]
            parameters = operation.get("parameters", []) + item.get("parameters", [])
            if parameters:
                lines += ["| parameter | in | type | description |", "|---|---|---|---|"]
                lines += [f"| `{p['name']}` | {p.get('in', '')} | {cell(_schema_text(p.get('schema', {})))} | "
                          f"{cell(p.get('description', ''))} |" for p in parameters]
                lines.append("")
            responses = operation.get("responses", {})
            if responses:
                lines.append("Responses: " + "; ".join(
                    f"**{status}** {cell(answer.get('description', ''))}"
                    + (f" ({', '.join(f'`{media}`' for media in answer['content'])})" if answer.get("content") else "")
                    for status, answer in responses.items()) + ".")
                lines.append("")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
        for name, schema in schemas.items():
            lines += [f"### {name}", ""]
            if schema.get("description"):
                lines += [schema["description"], ""]
            properties = schema.get("properties", {})
            if properties:
                lines += ["| property | type | description |", "|---|---|---|"]
                lines += [f"| `{key}` | {cell(_schema_text(value))} | {cell(value.get('description', ''))} |"
                          for key, value in properties.items()]
                lines.append("")
    documented = {(path, method): operation.get("summary", "") for path, item in spec["paths"].items()
                  for method, operation in item.items() if isinstance(operation, dict)}
    lines += ["## Every route", "",
              "Every URL the app answers (Flask's `url_map`), the pages and files as well as the API; "
              "“OpenAPI” marks those described above.", "",
              "| route | methods | view | OpenAPI | what it is |", "|---|---|---|---|---|"]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        view = app.view_functions.get(rule.endpoint)
        doc = (view.__doc__ or "").strip().split("\n\n")[0] if view else ""
        summaries = [documented[key] for key in ((openapi_path(rule.rule), m.lower()) for m in methods) if key in documented]
        in_spec = bool(summaries)
        doc = doc or (summaries[0] if summaries else "")
        lines.append(f"| `{cell(rule.rule)}` | {', '.join(methods)} | `{rule.endpoint}` | {'yes' if in_spec else ''} | "
                     f"{cell(doc)} |")
    return "\n".join(lines) + "\n"


# --- CSV -------------------------------------------------------------------------------------------------

def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']:g}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']:g}")
    if "enum" in c:
        parts.append("one of the values below")
    if "pattern" in c:
        parts.append(f"matches `{c['pattern']}`")
    return ", ".join(parts)


def csv_reference() -> str:
    from registry.exports.datapackage import datapackage
    from registry.targets.indicators import INDICATORS
    from registry.rows.labels import FIELDS, PRECISION_LABELS, STAGE_LABELS
    from registry.rows.schema import DERIVED_COLUMNS, GEOCODE_COLUMNS, PROJECT_TYPES, TARGET_COLUMNS, TYPE_FAMILIES

    fields = datapackage()["resources"][0]["schema"]["fields"]
    lines = ["## `projects.csv`", "",
             f"{len(fields)} columns, in this order (`registry/rows/schema.py`; the same as the Frictionless Table "
             "Schema `python -m registry.exports.datapackage` writes). The columns "
             + ", ".join(f"`{c}`" for c in GEOCODE_COLUMNS) + " are filled by `registry geocode`; "
             + ", ".join(f"`{c}`" for c in DERIVED_COLUMNS) + " is derived at build, in the database only.", "",
             "| column | English / 中文 | type | rules |", "|---|---|---|---|"]
    lines += [f"| `{f['name']}` | {cell(f['title'])} | {f['type']} | {cell(_constraints(f))} |" for f in fields]
    family_of = {t: family for family, members in TYPE_FAMILIES.items() for t in members}
    lines += ["", "### `type`", "", "| type | English | 中文 | family |", "|---|---|---|---|"]
    lines += [f"| `{key}` | {cell(english)} | {cell(chinese)} | {family_of.get(key, '')} |"
              for key, (english, chinese) in PROJECT_TYPES.items()]
    lines += ["", "### `stage`", "", "| stage | English | 中文 |", "|---|---|---|"]
    lines += [f"| `{key}` | {cell(english)} | {cell(chinese)} |" for key, (english, chinese) in STAGE_LABELS.items()]
    lines += ["", "### `precision`", "", "| precision | English | 中文 |", "|---|---|---|"]
    lines += [f"| `{key}` | {cell(english)} | {cell(chinese)} |" for key, (english, chinese) in PRECISION_LABELS.items()]
    lines += ["", "## `targets.csv`", "", f"{len(TARGET_COLUMNS)} columns, in this order (`registry/rows/schema.py`, "
              "checked by `registry/targets/target_rows.py`).", "", "| column | English / 中文 |", "|---|---|"]
    lines += [f"| `{c}` | {cell(' / '.join(FIELDS[c]) if c in FIELDS else '')} |" for c in TARGET_COLUMNS]
    lines += ["", "## Indicator vocabulary", "",
              f"The {len(INDICATORS)} values of `targets.csv`'s `indicator` (`registry/targets/indicators.py`); the unit "
              "family says which units a value may be normalised to, and a capacity indicator names the project "
              "types whose capacities it counts.", "",
              "| indicator | 中文 | English | unit family | counts project types |", "|---|---|---|---|---|"]
    lines += [f"| `{i.key}` | {cell(i.label_zh)} | {cell(i.label_en)} | {cell(i.unit_family)} | "
              f"{', '.join(f'`{t}`' for t in i.counts_types)} |" for i in INDICATORS.values()]
    return "\n".join(lines) + "\n"


# --- benchmarks --------------------------------------------------------------------------------------------

def benchmarks_reference() -> str:
    import sys

    if str(_source_tree()) not in sys.path:
        sys.path.insert(0, str(_source_tree()))
    from benchmarks.__main__ import BENCHMARKS

    lines = ["| benchmark | what it measures | the command that reruns it | its last output |", "|---|---|---|---|"]
    for name, command, what in BENCHMARKS:
        lines.append(f"| `{name}` | {cell(what)} | `python -m benchmarks --only {name}`, which runs "
                     f"`python {cell(' '.join(command))}` | [results/{name}.md](../../benchmarks/results/{name}.md) |")
    return "\n".join(lines) + "\n"


GENERATORS = {"http": http_reference, "csv": csv_reference, "benchmarks": benchmarks_reference}


def reference_json() -> str:  # for a reader who wants the raw document: python docs/hooks/reference.py
    return json.dumps(_app().test_client().get("/api/openapi.json").get_json(), ensure_ascii=False, indent=2)


if __name__ == "__main__":
    print(reference_json())
