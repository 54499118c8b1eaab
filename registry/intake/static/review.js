/* The review page's selection of a passage: words selected in the plan's text become the add form's
   START:END (raw offsets of plans/<doc_id>.txt, Python str indices, i.e. code points), and the form is
   filled with the fields the extractor's parsers read from them (GET passage?start=&end=, JSON).

   Offsets come from the text's segments, never from the browser's string positions: every segment
   carries data-s (the raw offset of its first character), and the code points of the segment's text
   before the selection's end are counted (a character outside the BMP, such as 𠮷, is one code point
   but two UTF-16 units of a JavaScript string). Without this script the form takes START:END or the
   words typed in, and the page works the same. */
(function () {
  "use strict";
  var text = document.getElementById("plan-text");
  var panel = document.getElementById("add");
  if (!text || !panel) return;
  document.documentElement.classList.add("js");
  var passage = panel.querySelector('[name="add|passage"]');
  var preview = document.getElementById("add-preview");
  var problem = document.getElementById("add-problem");
  var url = text.getAttribute("data-passage-url");
  var asked = 0;
  var selected = null;  // the START:END last read from a selection

  function codePoints(s) { return Array.from(s).length; }

  // The UTF-16 index in s of its k-th code point.
  function unitIndex(s, k) {
    var i = 0;
    while (k > 0 && i < s.length) {
      var c = s.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
      k -= 1;
    }
    return i;
  }

  function segmentOf(node) {
    var element = node.nodeType === 1 ? node : node.parentNode;
    var segment = element && element.closest ? element.closest("[data-s]") : null;
    return segment && text.contains(segment) ? segment : null;
  }

  function firstSegment(node) {
    if (node.nodeType === 1) return node.matches("[data-s]") ? node : node.querySelector("[data-s]");
    return segmentOf(node);
  }

  // The raw offset of a DOM boundary point (a selection's start or end) inside the plan's text.
  function rawOffset(node, offset) {
    if (node.nodeType === 3) {
      var segment = segmentOf(node);
      return segment ? Number(segment.getAttribute("data-s")) + codePoints(node.data.slice(0, offset)) : null;
    }
    if (node !== text && !text.contains(node)) return null;
    if (offset < node.childNodes.length) {
      var next = firstSegment(node.childNodes[offset]);
      return next ? Number(next.getAttribute("data-s")) : null;
    }
    var all = node.querySelectorAll ? node.querySelectorAll("[data-e]") : [];
    var last = all.length ? all[all.length - 1] : segmentOf(node);
    return last ? Number(last.getAttribute("data-e")) : null;
  }

  function setField(name, value) {
    var input = panel.querySelector('[name="add|' + name + '"]');
    if (input) input.value = value === null || value === undefined ? "" : String(value);
  }

  function show(element, message) {
    element.textContent = message;
    element.hidden = !message;
  }

  function fill(query) {
    var ticket = ++asked;
    panel.classList.remove("ready");
    fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (answer) {
        if (ticket !== asked) return;  // a later selection was made meanwhile
        var ok = answer[0], body = answer[1];
        if (!ok) {
          show(preview, "");
          show(problem, body.error || "此段落不能作为项目 this passage cannot be a project");
          return;
        }
        passage.value = body.start + ":" + body.end;
        show(preview, "「" + body.text + "」");
        show(problem, body.problem || "");
        Object.keys(body.row).forEach(function (name) { setField(name, body.row[name]); });
        panel.classList.add("ready", "flash");
        setTimeout(function () { panel.classList.remove("flash"); }, 800);
        panel.dataset.start = body.start;
        panel.dataset.end = body.end;
      })
      .catch(function () { if (ticket === asked) show(problem, "审核服务没有响应，是否仍在运行？ the review server did not answer; is it still running?"); });
  }

  function fromSelection() {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    var start = rawOffset(range.startContainer, range.startOffset);
    var end = rawOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    // The same words again (a second selectionchange of one drag): keep the form, and any edit made in it.
    if (start + ":" + end === selected) return;
    selected = start + ":" + end;
    passage.value = start + ":" + end;
    fill("start=" + start + "&end=" + end);
    panel.scrollIntoView({ block: "nearest" });
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(fromSelection, 250);
  });

  passage.addEventListener("change", function () {
    selected = null;
    var value = passage.value.trim();
    var span = /^(\d+)\s*[:：]\s*(\d+)$/.exec(value);
    if (span) fill("start=" + span[1] + "&end=" + span[2]);
    else if (value) fill("words=" + encodeURIComponent(value));
  });
  passage.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); passage.dispatchEvent(new Event("change")); }
  });

  // Select raw [start, end) in the text, as a reviewer would, so they can widen or narrow it.
  function select(start, end) {
    var segments = text.querySelectorAll("[data-s]");
    var range = document.createRange(), begun = false;
    for (var i = 0; i < segments.length; i++) {
      var s = Number(segments[i].getAttribute("data-s")), e = Number(segments[i].getAttribute("data-e"));
      var node = segments[i].firstChild;
      if (!node) continue;
      if (!begun && start >= s && start < e) {
        range.setStart(node, unitIndex(node.data, start - s));
        begun = true;
        segments[i].scrollIntoView({ block: "center" });
      }
      if (begun && end > s && end <= e) {
        range.setEnd(node, unitIndex(node.data, end - s));
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        return true;
      }
    }
    return false;
  }

  // "Add as a project" of a possible project: select its suggested words in the text instead of reloading.
  document.querySelectorAll("button.prefill").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var start = Number(button.getAttribute("data-s")), end = Number(button.getAttribute("data-e"));
      if (select(start, end)) {
        event.preventDefault();
        selected = start + ":" + end;  // the selection just made is this one: read it once
        passage.value = start + ":" + end;
        fill("start=" + start + "&end=" + end);
        panel.scrollIntoView({ block: "nearest" });
      }
    });
  });

  // A click on a candidate's words (not a selection) shows its card.
  text.addEventListener("click", function (event) {
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    var segment = event.target.closest ? event.target.closest("[data-c]") : null;
    if (!segment) return;
    var card = document.getElementById("card-" + segment.getAttribute("data-c").split(" ")[0]);
    if (card) card.scrollIntoView({ block: "start", behavior: "smooth" });
  });

  window.registryReview = { rawOffset: rawOffset, select: select };
})();
