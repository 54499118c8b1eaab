"""Adding a plan to a registry folder: `registry add-plan` and `registry review`.

    add_plan(source, root, doc_id=None, title=None, area_code=None, status=None) -> AddedPlan
        a path or http(s) URL (.txt, .pdf, .html, .docx) -> plans/<doc_id>.txt, its documents.csv
        row, and the extractor's candidates in plans/<doc_id>.candidates.csv (+ .candidate-targets.csv)
    Review(root, doc_id): decide(), apply() -> rows appended to projects.csv and targets.csv

Errors are NotAPlan (the source is not a plan), PlanRefused (already there) and ReviewError,
each one sentence, and each leaves the registry's files as they were.

The names are imported when first used (PEP 562): `registry build` takes the writers' lock from
`registry.intake.files`, and importing this package eagerly would load the extractor with it
(~0.7 s of every build's start-up).
"""
from importlib import import_module

_HOMES = {"AddedPlan": "add", "PlanRefused": "add", "add_plan": "add", "NotAPlan": "pdftext",
          "EDITABLE": "review", "Review": "review", "ReviewError": "review"}

__all__ = ["AddedPlan", "EDITABLE", "NotAPlan", "PlanRefused", "Review", "ReviewError", "add_plan"]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
