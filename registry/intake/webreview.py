"""`registry review DOC_ID --web`: the same review as a page on 127.0.0.1, for planners who prefer a form.

One page lists every candidate with its sentence (the span marked), its fields as inputs, and
accept / reject / undecided; one button saves the decisions, another also adds the accepted rows
to the registry (Review.apply, the same code as the terminal review). It writes the registry's
files, so it only listens on the loopback address and every POST carries the page's token.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, abort, redirect, render_template, request, url_for

from registry.intake.review import EDITABLE, TARGET_EDITABLE, Review, ReviewError
from registry.schema import PROJECT_TYPES, STAGES

# The fields the page shows as inputs, in the order a planner checks them.
PROJECT_FIELDS = ("name", "type", "capacity_mw", "capacity_text", "voltage_kv", "stage", "phase", "target_year",
                  "county", "town", "site", "subtype")
assert set(PROJECT_FIELDS) <= set(EDITABLE) and set(TARGET_EDITABLE) <= {"metric", "value", "unit", "year"}


def create_review_app(root: Path, doc_id: str) -> Flask:
    Review(root, doc_id)  # fail now, in the terminal, if there is nothing to review
    app = Flask(__name__)
    token = secrets.token_urlsafe(24)

    @app.after_request
    def no_outside(response):
        # Nothing on this page comes from elsewhere or runs: no scripts at all.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.get("/")
    def page():
        review = Review(root, doc_id)
        return render_template("review.html", review=review, cards=[_card(review, c) for c in review.candidates],
                               token=token, types=PROJECT_TYPES, stages=STAGES, message=request.args.get("message", ""),
                               errors=request.args.getlist("error"))

    @app.post("/")
    def decide():
        if not secrets.compare_digest(request.form.get("token", ""), token):
            abort(400, "stale or missing form token: reload the page")
        review = Review(root, doc_id)
        errors = []
        for candidate in review.candidates:
            if candidate.decision.get("id") or candidate.decision.get("added"):
                continue  # already in the registry: edit projects.csv itself to change it
            fields = PROJECT_FIELDS if candidate.kind == "project" else TARGET_EDITABLE
            edits = dict(candidate.decision.get("edits", {}))
            for column in fields:
                submitted = request.form.get(f"{candidate.key}|{column}")
                if submitted is None or submitted.strip() == str(candidate.edited().get(column) or ""):
                    continue
                problem = review.check_edit(candidate, column, submitted.strip())
                if problem:
                    errors.append(f"{candidate.edited().get('name') or candidate.edited().get('metric')}: {problem}")
                else:
                    edits[column] = submitted.strip()
            decision = request.form.get(f"{candidate.key}|decision", "")
            candidate.decision = {**({"decision": decision} if decision in ("accept", "reject") else {}),
                                  **({"edits": edits} if edits else {})}
        review.save()
        message = "decisions saved"
        if request.form.get("action") == "apply" and not errors:
            try:
                projects, targets = review.apply()
            except ReviewError as exc:
                errors.append(f"{exc}; nothing was added")
            else:
                message = f"added {len(projects)} projects and {len(targets)} targets to the registry; run `registry build`"
        return redirect(url_for("page", message=message, error=errors))

    return app


def _card(review: Review, candidate) -> dict:
    row = candidate.edited()
    start, end = int(row.get("source_start") or 0), int(row.get("source_end") or 0)
    span = review.text[start:end]
    before, _, after = candidate.sentence.partition(span) if span and span in candidate.sentence else (candidate.sentence, "", "")
    fields = PROJECT_FIELDS if candidate.kind == "project" else TARGET_EDITABLE
    return {"key": candidate.key, "kind": candidate.kind, "row": row, "fields": fields,
            "decision": candidate.decision.get("decision", ""), "added": candidate.decision.get("id") or
            ("yes" if candidate.decision.get("added") else ""), "before": before,
            "span": span if span and span in candidate.sentence else "", "after": after}
