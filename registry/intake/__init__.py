"""Adding a plan to a registry folder: `registry add-plan` and `registry review`.

    add_plan(source, root, doc_id=None, title=None, area_code=None, status=None) -> AddedPlan
        a path or http(s) URL (.txt, .pdf, .html, .docx) -> plans/<doc_id>.txt, its documents.csv
        row, and the extractor's candidates in plans/<doc_id>.candidates.csv (+ .candidate-targets.csv)
    Review(root, doc_id): decide(), apply() -> rows appended to projects.csv and targets.csv

Errors are NotAPlan (the source is not a plan), PlanRefused (already there) and ReviewError,
each one sentence, and each leaves the registry's files as they were.
"""
from registry.intake.add import AddedPlan, PlanRefused, add_plan
from registry.intake.pdftext import NotAPlan
from registry.intake.review import EDITABLE, Review, ReviewError

__all__ = ["AddedPlan", "EDITABLE", "NotAPlan", "PlanRefused", "Review", "ReviewError", "add_plan"]
