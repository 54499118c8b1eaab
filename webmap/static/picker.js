/* The filter form's place pickers (templates/_filters.html): type a name or its pinyin, choose from a
   list fed by /api/places, grouped province → city → county. Choosing submits the form with the same
   parameters a plain form sends (county=…), so the URL, the map, the list and the exports agree.
   Without this script the form still works: the text box is then an ordinary field. Every string from
   the server is set as text, never as HTML. */
(function () {
  "use strict";
  var DELAY_MS = 120;

  function chosenValues(form, name) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox][name=" + name + "]"),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
  }

  function groupName(level, place) {
    if (level === "county") { return place.province + (place.city && place.city !== place.province ? " · " + place.city : ""); }
    if (level === "city") { return place.province; }
    return "";
  }

  function setUp(picker) {
    var form = picker.closest("form"), level = picker.dataset.level;
    var input = picker.querySelector(".picker-input");
    if (!form || !input) { return; }
    // The typed text is a query now, not a value: only chosen places are submitted.
    input.removeAttribute("name");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = input.id + "-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.insertAdjacentElement("afterend", list);
    var timer = null, sequence = 0, options = [], active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(name) {
      var chosen = picker.querySelector(".picker-chosen");
      if (!chosen) {
        chosen = document.createElement("ul");
        chosen.className = "picker-chosen";
        picker.querySelector("label").insertAdjacentElement("afterend", chosen);
      }
      if (chosenValues(form, level).indexOf(name) < 0) {
        var item = document.createElement("li"), label = document.createElement("label"), box = document.createElement("input");
        label.className = "chip";
        box.type = "checkbox"; box.name = level; box.value = name; box.checked = true;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + name));
        item.appendChild(label);
        chosen.appendChild(item);
      }
      input.value = "";
      close();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }

    function render(data) {
      list.textContent = "";
      options = [];
      var lastGroup = null;
      data.places.forEach(function (place, i) {
        var group = groupName(level, place);
        if (group && group !== lastGroup) {
          var header = document.createElement("li");
          header.className = "picker-group";
          header.setAttribute("role", "presentation");
          header.textContent = group;
          list.appendChild(header);
          lastGroup = group;
        }
        var option = document.createElement("li");
        option.className = "picker-option";
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.dataset.value = place.name;
        var name = document.createElement("span");
        name.textContent = place.name;
        var count = document.createElement("span");
        count.className = "picker-count";
        count.textContent = place.projects;
        option.appendChild(name);
        option.appendChild(count);
        // mousedown, not click: the input's blur would close the list first.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(place.name); });
        list.appendChild(option);
        options.push(option);
      });
      if (!data.places.length || data.total > data.places.length) {
        var note = document.createElement("li");
        note.className = "picker-note";
        note.setAttribute("role", "presentation");
        note.textContent = data.places.length ? (data.total - data.places.length) + " " + picker.dataset.more
                                              : picker.dataset.none;
        list.appendChild(note);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(options.length && input.value.trim() ? 0 : -1);
      picker.dataset.query = data.q;  // what the list shown answers (tests wait on it)
      picker.dataset.state = "ready";
    }

    function load() {
      var params = new URLSearchParams({ level: level, q: input.value.trim(), limit: "50" });
      if (level !== "province") { chosenValues(form, "province").forEach(function (v) { params.append("province", v); }); }
      if (level === "county") { chosenValues(form, "city").forEach(function (v) { params.append("city", v); }); }
      var mine = ++sequence;
      picker.dataset.state = "loading";
      fetch(picker.dataset.api + "?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) { if (mine === sequence && document.activeElement === input) { render(data); } })
        .catch(function () { if (mine === sequence) { picker.dataset.state = "error"; close(); } });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, DELAY_MS); });
    input.addEventListener("focus", load);
    input.addEventListener("blur", function () { clearTimeout(timer); sequence++; close(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault(); highlight(Math.min(active + 1, options.length - 1));
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault(); highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Enter chooses the highlighted place; it never submits the typed text as a value
        // (an empty box submits the form as it is).
        if (!input.value.trim() && active < 0) { return; }
        event.preventDefault();
        if (!list.hidden && active >= 0) { choose(options[active].dataset.value); }
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".picker"), setUp);
})();
