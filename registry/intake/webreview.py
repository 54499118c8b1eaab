"""`registry review DOC_ID --web`: the same review as a page on 127.0.0.1, for planners who prefer a form.

The page shows the plan's whole text with every candidate's span marked (and the recall net's
possible projects marked differently), every candidate with its sentence, its fields as inputs and
accept / reject / undecided, and the possible projects. A reviewer adds what the extractor missed
by selecting words of the text (a small script, static/review.js, reads the selection's offsets and
asks GET /passage for the fields the extractor's parsers give) or, without the script, by typing
START:END or the words into the add form; merges ticked candidates; splits one at the words each
further part starts with; dismisses a possible project. One button saves the decisions, another
also adds the accepted rows to the registry (Review.apply, the same code as the terminal review).

It writes the registry's files, so it only listens on the loopback address and every POST carries
the page's token. A page on another site cannot reach it through DNS rebinding (its name made to
resolve to 127.0.0.1): only a loopback Host with this server's port is answered, and a POST whose
Origin (or, without one, Referer) is another site is refused, both with a 403 saying why. Scripts
only from this app (CSP).
"""
from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from markupsafe import escape

from registry.rows.failures import describe_os_error
from registry.intake import handmade
from registry.intake.files import RegistryBusy
from registry.intake.review import EDITABLE, TARGET_EDITABLE, Review, ReviewError
from registry.intake.reviewpage import add_panel, card, segments, summary_line
from registry.targets.indicators import INDICATORS
from registry.rows.labels import field_chinese, stage_chinese
from registry.rows.schema import PROJECT_TYPES, STAGES

# The fields the page shows as inputs, in the order a planner checks them.
PROJECT_FIELDS = ("name", "type", "capacity_mw", "capacity_text", "voltage_kv", "stage", "phase", "target_year",
                  "city", "county", "town", "site", "subtype")
assert set(PROJECT_FIELDS) <= set(EDITABLE) and set(TARGET_EDITABLE) <= {"indicator", "metric", "value", "unit", "year"}
CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def create_review_app(root: Path, doc_id: str) -> Flask:
    Review(root, doc_id)  # fail now, in the terminal, if there is nothing to review
    app = Flask(__name__)
    token = secrets.token_urlsafe(24)
    app.before_request(_refuse_other_sites)

    @app.after_request
    def no_outside(response):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    def render(review: Review, message: str = "", errors=(), add=None, status: int = 200):
        return render_template(
            "review.html", review=review, token=token, types=PROJECT_TYPES, stages=STAGES, indicators=INDICATORS,
            message=message, field_chinese=field_chinese, stage_chinese=stage_chinese,
            errors=list(errors), summary=summary_line(review), segments=segments(review),
            cards=[card(review, c, PROJECT_FIELDS, TARGET_EDITABLE) for c in review.candidates],
            add=add or add_panel(review, ""), fields=PROJECT_FIELDS), status

    @app.errorhandler(ReviewError)
    def cannot_review(exc):
        # The review's files changed under the page (a damaged review.json, a plan removed): say so, no traceback.
        return (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>审核 review</title>"
                f"<p>审核文件已变更，请在终端查看。 The review's files changed under the page: {escape(str(exc))}</p>"), 409

    @app.get("/")
    def page():
        review = Review(root, doc_id)
        passage = request.args.get("add", "")
        add = add_panel(review, passage) if passage else None
        errors = request.args.getlist("error") + ([add["problem"]] if add and add["problem"] else [])
        return render(review, request.args.get("message", ""), errors, add)

    @app.get("/passage")
    def passage():
        """The row the extractor's parsers make of a passage (start & end, or words), as JSON; nothing is stored."""
        review = Review(root, doc_id)
        given = request.args.get("words") or f"{request.args.get('start', '')}:{request.args.get('end', '')}"
        panel = add_panel(review, given)
        if panel["row"] is None:
            return jsonify({"error": panel["problem"]}), 400
        return jsonify({"start": panel["start"], "end": panel["end"], "text": panel["text"], "row": panel["row"],
                        "problem": panel["problem"], "sentence": panel["sentence"]})

    @app.post("/")
    def decide():
        if not secrets.compare_digest(request.form.get("token", ""), token):
            abort(400, "表单已过期或缺少令牌，请刷新页面 stale or missing form token: reload the page")
        review = Review(root, doc_id)
        errors: list[str] = []
        action, _, argument = request.form.get("action", "save").partition("|")
        message = "已保存 decisions saved"
        try:
            errors = _save_cards(review)
            if action == "apply" and not errors:
                projects, targets = review.apply()
                message = (f"已入库 {len(projects)} 个项目、{len(targets)} 个目标，请运行 `registry build` "
                           f"added {len(projects)} projects and {len(targets)} targets to the registry; "
                           "run `registry build`")
            elif action == "add":
                made = _add(review, errors)
                if made is None:
                    return render(review, "", errors, add_panel(review, request.form.get("add|passage", ""),
                                                                _add_overrides(), request.form), 422)
                message = f"已添加 added {made}"
            elif action == "merge":
                keys = [key for key in request.form.getlist("merge")]
                change = handmade.propose_merge(review, keys)
                handmade.commit(review, change, _inherited(change))
                message = f"已合并 {len(keys)} 个候选为 {change.new[0].key} merged {len(keys)} candidates into {change.new[0].key}"
            elif action == "split":
                change = handmade.propose_split(review, argument, request.form.get(f"split|{argument}", "").split(","))
                handmade.commit(review, change, _inherited(change))
                message = f"已拆分 {argument} 为 {len(change.new)} 行 split {argument} into {len(change.new)} rows"
            elif action == "undo":
                message = f"已撤销 took back {', '.join(handmade.undo(review, argument))}"
            elif action == "dismiss":
                handmade.dismiss(review, argument)
                message = "已忽略此可能遗漏的项目 dismissed the possible project"
            elif action == "prefill":
                return redirect(url_for("page", add=argument, message=message) + "#add")
        except ReviewError as exc:
            errors.append(_unchanged(exc))
        except (OSError, RegistryBusy) as exc:  # a full disk, a read-only folder: each write is one change or none
            message = ""
            errors.append(f"未写入，登记库未改变 nothing was written, the registry is unchanged — "
                          f"{describe_os_error(exc) if isinstance(exc, OSError) else exc}")
        anchor = {"merge": "#candidates", "split": "#candidates", "undo": "#candidates", "dismiss": "#possible"}
        return redirect(url_for("page", message=message, error=errors) + anchor.get(action, ""))

    return app


# The names this machine's own browser uses for the server; any other Host is a page elsewhere
# whose name was made to resolve to 127.0.0.1 (DNS rebinding).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _refuse_other_sites():
    """403 unless the Host is a loopback name with this server's port and a POST comes from the page itself."""
    port = request.environ.get("SERVER_PORT", "")
    host = request.environ.get("HTTP_HOST", "").lower()
    own = {f"{name}:{port}" for name in LOOPBACK_HOSTS} | (set(LOOPBACK_HOSTS) if port == "80" else set())
    if host not in own:
        return _forbidden(f"此审核页只在本机地址上使用，请打开 http://127.0.0.1:{port}/ "
                          f"the review page answers only to http://127.0.0.1:{port}/, not to Host {host[:100]!r}")
    if request.method in SAFE_METHODS:
        return None
    # Browsers send Origin with every POST of a form (Referer where an old one does not); a client
    # that sends neither is not a page in a browser, and still needs the page's token.
    sender = request.headers.get("Origin")
    if sender is None and request.referrer:
        parts = urlsplit(request.referrer)
        sender = f"{parts.scheme}://{parts.netloc}"
    if sender is not None and sender.lower() != f"http://{host}":
        return _forbidden(f"拒绝来自其他网页的提交，未作任何更改 a form sent from {sender[:100]!r}, not from this "
                          "review page, was refused; nothing was changed")
    return None


def _forbidden(message: str):
    return (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>403 审核 review</title>"
            f"<h1>403</h1><p>{escape(message)}</p>"), 403, {"Content-Type": "text/html; charset=utf-8"}


def _save_cards(review: Review) -> list[str]:
    """The cards' decisions and edits, checked with the row rules; the bad edits named and not saved."""
    errors = []
    for candidate in review.candidates:
        if candidate.in_registry or candidate.replaced:
            continue  # in the registry: edit projects.csv itself; replaced: undo the merge or split
        fields = PROJECT_FIELDS if candidate.kind == "project" else TARGET_EDITABLE
        edits = dict(candidate.decision.get("edits", {}))
        for column in fields:
            submitted = request.form.get(f"{candidate.key}|{column}")
            if submitted is None or submitted.strip() == str(candidate.edited().get(column) or ""):
                continue
            problem = review.check_edit(candidate, column, submitted.strip())
            if problem:
                name = candidate.edited().get("name") or candidate.edited().get("metric")
                errors.append(f"此修改未保存 edit not saved — {name}: {problem}")
            else:
                edits[column] = submitted.strip()
        if f"{candidate.key}|decision" not in request.form:
            continue  # not on the page that was sent (a card added since)
        decision = request.form.get(f"{candidate.key}|decision", "")
        kept = {k: v for k, v in candidate.decision.items() if k not in ("decision", "edits")}
        candidate.decision = {**kept, **({"decision": decision} if decision in ("accept", "reject") else {}),
                              **({"edits": edits} if edits else {})}
    review.save()
    return errors


def _add_overrides() -> dict:
    return {column: request.form[f"add|{column}"].strip() for column in PROJECT_FIELDS
            if request.form.get(f"add|{column}", "").strip()}


def _add(review: Review, errors: list[str]) -> str | None:
    """The add form's passage made a row (its key), or None with the reason in `errors`."""
    try:
        start, end = handmade.locate(review, request.form.get("add|passage", ""))
        change = handmade.propose_add(review, start, end, _add_overrides())
    except ReviewError as exc:
        errors.append(_unchanged(exc))
        return None
    decision = "accept" if request.form.get("add|decision") == "accept" else ""
    handmade.commit(review, change, decision)
    return change.new[0].key


def _unchanged(exc: ReviewError) -> str:
    """A refused action's error, Chinese first; the reason is the review's own words (the terminal's too)."""
    reason = str(exc).removesuffix("; nothing was changed")
    return f"未作任何更改 nothing was changed — {reason}"


def _inherited(change) -> str:
    """A merge or split keeps "accept" when a candidate it replaces was accepted; else its rows are undecided."""
    return "accept" if any(c.decision.get("decision") == "accept" for c in change.sources) else ""
