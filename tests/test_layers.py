"""The package's stages, read from its imports (an ast walk, imports inside functions counted).

Plans flow documents -> candidates (extract) -> reviewed rows (intake) -> registry.db (store) -> API, map
and exports; the folders show it and the imports keep to it:

    entry     registry.cli, registry.report         the `registry` command, which starts webmap, and
              the modules of its subcommands
    webmap    the web app
    registry  what the commands and the app share: about, files, compare_command
    store | intake      registry.db built and read | add-plan and review
    exports | extract   the file formats a row is written in | a plan's text -> candidates
    geo       divisions, gazetteer, geocoding, basemap
    targets   the indicator vocabulary and the rows of targets.csv
    rows      the row contract: schema, documents, labels, the registry folder, safe writes

A module imports only from its own stage and the stages below it (two stages on one line are
independent: neither imports the other), and no module reaches itself again through its imports.
"""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

LAYERS = (("entry",), ("webmap",), ("registry",), ("store", "intake"), ("exports", "extract"), ("geo",),
          ("targets",), ("rows",))
LEVEL = {stage: level for level, stages in enumerate(LAYERS) for stage in stages}
ENTRY = {"registry.cli", "registry.__main__", "registry.report", "registry.database_commands", "registry.csv_commands",
         "registry.export_command", "registry.serve_command"}
# [flat-layout] Every module sits in its stage's folder: no flat module left to name.
FLAT: dict[str, str] = {}
# [/flat-layout]


def modules() -> dict[str, Path]:
    found = {}
    for package in ("registry", "webmap"):
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module's imports of the project's own modules, wherever in the file they are."""
    known = modules()
    graph = {name: set() for name in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                submodules = [f"{base}.{alias.name}" for alias in node.names]
                # `from package import module` depends on the module; `from package import name` on the package.
                targets = [t if t in known else base for t in submodules]
            else:
                continue
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def stage_of(module: str) -> str:
    if module.startswith("webmap"):
        return "webmap"
    if module in ENTRY:
        return "entry"
    if module in FLAT:
        return FLAT[module]
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in LEVEL else "registry"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), iteratively."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_no_import_cycle_in_registry_or_webmap():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_an_import_inside_a_function():
    graph = import_graph()
    graph["registry.cli"].add("registry.report")  # report imports cli at the top; this closes a circle
    assert ["registry.cli", "registry.report"] in cycles(graph)


def test_each_stage_imports_only_its_own_stage_and_those_below():
    graph = import_graph()
    wrong = sorted(f"{name} ({stage_of(name)}) imports {target} ({stage_of(target)})"
                   for name, targets in graph.items() for target in targets
                   if stage_of(target) != stage_of(name) and LEVEL[stage_of(target)] <= LEVEL[stage_of(name)])
    assert wrong == []
    assert set(map(stage_of, graph)) == set(LEVEL), "a stage with no module, or a module of no stage"


def test_webmap_modules_share_state_through_a_module_of_their_own():
    """webmap/__init__ imports the blueprints, so a blueprint importing from the package would close a
    circle at import time: what they share (get_registry) lives in webmap/db.py, as flaskr.db does."""
    graph = import_graph()
    assert {name for name, targets in graph.items() if "webmap" in targets} <= ENTRY
    assert "webmap.db" in graph["webmap.api"]
