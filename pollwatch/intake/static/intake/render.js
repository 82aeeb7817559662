/* pollwatch observer page: rendering a form definition (/api/v1/forms/<code>) and reading the
   answers back. Skip logic (``relevant``) is evaluated with a small reader of the XLSForm
   expressions forms use: comparisons, and/or/not, arithmetic, ${field}, selected(),
   count-selected(), coalesce(), if(). The server checks everything again. */
(function (global) {
  "use strict";

  /* --- expressions --------------------------------------------------------------------- */
  const TOKEN = /\s*(?:(\d+(?:\.\d*)?|\.\d+)|('[^']*'|"[^"]*")|\$\{\s*([A-Za-z_][\w.\-]*)\s*\}|(<=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)|([A-Za-z_][\w\-]*)|(\.))/y;

  function tokenize(text) {
    const tokens = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
      const start = TOKEN.lastIndex;
      const m = TOKEN.exec(text);
      if (!m || TOKEN.lastIndex === start) {
        if (/^\s*$/.test(text.slice(start))) break;
        throw new Error("cannot read " + text.slice(start));
      }
      if (m[1] !== undefined) tokens.push({ kind: "num", value: parseFloat(m[1]) });
      else if (m[2] !== undefined) tokens.push({ kind: "str", value: m[2].slice(1, -1) });
      else if (m[3] !== undefined) tokens.push({ kind: "field", value: m[3] });
      else if (m[4] !== undefined) tokens.push({ kind: "op", value: m[4] });
      else if (m[5] !== undefined) tokens.push({ kind: "word", value: m[5] });
      else if (m[6] !== undefined) tokens.push({ kind: "dot" });
    }
    return tokens;
  }

  const BINARY = { "or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
                   "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6 };

  function parse(text) {
    const tokens = tokenize(text);
    let i = 0;
    function peek() { return tokens[i]; }
    function opOf(t) { return t && (t.kind === "op" || t.kind === "word") && BINARY[t.value] ? t.value : null; }
    function expression(min) {
      let left = unary();
      for (;;) {
        const op = opOf(peek());
        if (!op || BINARY[op] < min) return left;
        i += 1;
        left = { op: op, left: left, right: expression(BINARY[op] + 1) };
      }
    }
    function unary() {
      const t = peek();
      if (t && t.kind === "op" && t.value === "-") { i += 1; return { op: "neg", arg: unary() }; }
      return primary();
    }
    function primary() {
      const t = tokens[i++];
      if (!t) throw new Error("unexpected end");
      if (t.kind === "num" || t.kind === "str") return { value: t.value };
      if (t.kind === "field") return { field: t.value };
      if (t.kind === "dot") return { dot: true };
      if (t.kind === "op" && t.value === "(") {
        const inner = expression(1);
        i += 1;
        return inner;
      }
      if (t.kind === "word") {
        const args = [];
        i += 1; // "("
        while (peek() && !(peek().kind === "op" && peek().value === ")")) {
          args.push(expression(1));
          if (peek() && peek().kind === "op" && peek().value === ",") i += 1;
        }
        i += 1; // ")"
        return { call: t.value, args: args };
      }
      throw new Error("unexpected " + JSON.stringify(t));
    }
    return expression(1);
  }

  function text(v) { return Array.isArray(v) ? v.join(" ") : (v === undefined || v === null ? "" : String(v)); }
  function num(v) { const s = text(v).trim(); return s === "" ? NaN : Number(s); }
  function truthy(v) {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return !isNaN(v) && v !== 0;
    return text(v) !== "";
  }
  function compare(op, a, b) {
    if (op === "=" || op === "!=") {
      const numeric = typeof a === "number" || typeof b === "number";
      const same = numeric ? num(a) === num(b) : text(a) === text(b);
      return op === "=" ? same : !same;
    }
    let x = num(a), y = num(b);
    if (isNaN(x) || isNaN(y)) { x = text(a); y = text(b); if (x === "" || y === "") return false; }
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }

  function evaluate(node, values, current) {
    if ("value" in node) return node.value;
    if (node.field) return values[node.field] === undefined ? "" : values[node.field];
    if (node.dot) return current === undefined ? "" : current;
    if (node.op === "neg") return -num(evaluate(node.arg, values, current));
    if (node.op) {
      const a = evaluate(node.left, values, current);
      if (node.op === "or") return truthy(a) || truthy(evaluate(node.right, values, current));
      if (node.op === "and") return truthy(a) && truthy(evaluate(node.right, values, current));
      const b = evaluate(node.right, values, current);
      if (node.op === "+") return num(a) + num(b);
      if (node.op === "-") return num(a) - num(b);
      if (node.op === "*") return num(a) * num(b);
      if (node.op === "div") return num(a) / num(b);
      if (node.op === "mod") return num(a) % num(b);
      return compare(node.op, a, b);
    }
    const args = node.args.map(function (arg) { return evaluate(arg, values, current); });
    switch (node.call) {
      case "selected": return text(args[0]).split(" ").indexOf(text(args[1])) >= 0;
      case "count-selected": return text(args[0]).split(" ").filter(Boolean).length;
      case "not": return !truthy(args[0]);
      case "true": return true;
      case "false": return false;
      case "if": return truthy(args[0]) ? args[1] : args[2];
      case "coalesce": return text(args[0]) !== "" ? args[0] : args[1];
      case "number": return num(args[0]);
      case "int": return Math.trunc(num(args[0]));
      case "string": return text(args[0]);
      case "string-length": return text(args[0]).length;
      case "concat": return args.map(text).join("");
      default: throw new Error("unknown function " + node.call);
    }
  }

  function holds(expressionText, values) {
    if (!expressionText) return true;
    try { return truthy(evaluate(parse(expressionText), values)); } catch (e) { return true; }
  }

  /* --- rendering ----------------------------------------------------------------------- */
  function label(map, lang, fallback) {
    map = map || {};
    return map[lang] || map.en || Object.values(map)[0] || fallback;
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function (entry) {
      if (entry[1] === undefined || entry[1] === null || entry[1] === false) return;
      if (entry[0] === "text") node.textContent = entry[1];
      else node.setAttribute(entry[0], entry[1] === true ? "" : entry[1]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function choiceInputs(q, id, lang, multiple, strings) {
    const box = el("div", { class: "choices", role: multiple ? "group" : "radiogroup" });
    const choices = q.type === "yes_no" && !(q.choices || []).length
      ? [{ name: "yes", label: { [lang]: strings.yes, en: "Yes" } }, { name: "no", label: { [lang]: strings.no, en: "No" } }]
      : (q.choices || []);
    choices.forEach(function (choice, index) {
      const input = el("input", { type: multiple ? "checkbox" : "radio", name: id, value: choice.name,
                                  id: id + "-" + index });
      box.appendChild(el("label", { for: id + "-" + index }, [input, el("span", { text: label(choice.label, lang, choice.name) })]));
    });
    return box;
  }

  function stationSelect(id, stations, chosen) {
    const select = el("select", { id: id, name: id });
    select.appendChild(el("option", { value: "", text: "—" }));
    stations.forEach(function (s) {
      const option = el("option", { value: s.code, text: s.code + " " + (s.name || "") });
      if (s.code === chosen) option.selected = true;
      select.appendChild(option);
    });
    return select;
  }

  function inputFor(q, id, lang, context) {
    switch (q.type) {
      case "yes_no": case "select_one":
        if (q.choices_from || q.name === "station") return stationSelect(id, context.stations, context.station);
        return choiceInputs(q, id, lang, false, context.strings);
      case "select_multiple": return choiceInputs(q, id, lang, true, context.strings);
      case "integer": return el("input", { type: "number", id: id, name: id, inputmode: "numeric", step: "1",
                                           min: q.minimum, max: q.maximum });
      case "decimal": return el("input", { type: "number", id: id, name: id, inputmode: "decimal", step: "any",
                                           min: q.minimum, max: q.maximum });
      case "time": return el("input", { type: "time", id: id, name: id });
      case "date": return el("input", { type: "date", id: id, name: id });
      case "datetime": return el("input", { type: "datetime-local", id: id, name: id });
      case "geopoint": return el("input", { type: "text", id: id, name: id, placeholder: "51.1282 71.4304",
                                            inputmode: "decimal" });
      case "photo": return el("p", { class: "muted", text: context.strings.photo_by_odk });
      default: return el("textarea", { id: id, name: id, rows: "3" });
    }
  }

  function questionBlock(q, prefix, lang, context) {
    const id = prefix + q.name;
    if (q.type === "note") {
      return el("div", { class: "question note", "data-name": q.name, "data-relevant": q.relevant || null,
                         text: label(q.label, lang, "") });
    }
    const grouped = ["yes_no", "select_one", "select_multiple"].indexOf(q.type) >= 0 && !q.choices_from && q.name !== "station";
    const caption = el(grouped ? "span" : "label", { class: "label" + (q.required ? " required" : ""),
                                                     for: grouped ? null : id, id: id + "-label",
                                                     text: label(q.label, lang, q.name) });
    const input = inputFor(q, id, lang, context);
    if (grouped) input.setAttribute("aria-labelledby", id + "-label");
    const hint = label(q.hint, lang, "");
    return el("div", { class: "question", "data-name": q.name, "data-type": q.type, "data-id": id,
                       "data-relevant": q.relevant || null, "data-required": q.required ? "1" : null },
              [caption, hint ? el("p", { class: "muted small", text: hint }) : null, input,
               el("p", { class: "problem", hidden: true })]);
  }

  /* Build the form inside ``container``; returns an object to read and check the answers. */
  function renderForm(container, definition, lang, context) {
    container.textContent = "";
    const sections = { "": container };
    const repeats = {};
    definition.questions.forEach(function (q) {
      const parent = sections[q.repeat && repeats[q.repeat] ? "" : (q.group || "")] || container;
      if (q.type === "group") {
        const fieldset = el("fieldset", { "data-name": q.name, "data-relevant": q.relevant || null },
                            [el("legend", { text: label(q.label, lang, q.name) })]);
        (sections[q.group || ""] || container).appendChild(fieldset);
        sections[q.name] = fieldset;
        return;
      }
      if (q.type === "repeat") {
        const fieldset = el("fieldset", { class: "repeat", "data-repeat": q.name },
                            [el("legend", { text: label(q.label, lang, q.name) })]);
        const rows = el("div", { class: "rows" });
        const add = el("button", { type: "button", class: "big", text: context.strings.add_row });
        fieldset.appendChild(rows);
        fieldset.appendChild(add);
        (sections[q.group || ""] || container).appendChild(fieldset);
        repeats[q.name] = { children: [], rows: rows };
        add.addEventListener("click", function () { addRow(q.name); });
        return;
      }
      if (q.repeat && repeats[q.repeat]) { repeats[q.repeat].children.push(q); return; }
      parent.appendChild(questionBlock(q, "q-", lang, context));
    });

    function addRow(name) {
      const repeat = repeats[name];
      const index = repeat.rows.children.length;
      const row = el("div", { class: "row", "data-row": String(index) });
      repeat.children.forEach(function (q) { row.appendChild(questionBlock(q, "q-" + name + "-" + index + "-", lang, context)); });
      repeat.rows.appendChild(row);
    }
    Object.keys(repeats).forEach(addRow);
    container.appendChild(el("button", { type: "submit", text: context.strings.submit }));

    function valueOf(block) {
      const id = block.getAttribute("data-id");
      const type = block.getAttribute("data-type");
      if (!id) return undefined;
      const checked = Array.from(block.querySelectorAll("input[name='" + id + "']:checked")).map(function (i) { return i.value; });
      const field = block.querySelector("#" + CSS.escape(id));
      if (type === "select_multiple") return checked.length ? checked : undefined;
      if ((type === "yes_no" || type === "select_one") && !field) return checked[0];
      const raw = field && "value" in field ? field.value.trim() : "";
      if (raw === "") return undefined;
      if (type === "integer") return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw;
      if (type === "decimal") return isNaN(Number(raw)) ? raw : Number(raw);
      return raw;
    }

    function topBlocks() {
      return Array.from(container.querySelectorAll(".question")).filter(function (b) { return !b.closest(".row"); });
    }

    function values() {
      const out = {};
      topBlocks().forEach(function (block) {
        const v = valueOf(block);
        if (v !== undefined) out[block.getAttribute("data-name")] = v;
      });
      return out;
    }

    function refresh() {
      const current = values();
      container.querySelectorAll("[data-relevant]").forEach(function (node) {
        node.hidden = !holds(node.getAttribute("data-relevant"), current);
      });
    }

    function visible(node) {
      for (let n = node; n && n !== container; n = n.parentElement) if (n.hidden) return false;
      return true;
    }

    /* The answers to send, or null after marking what is missing or wrong. */
    function answers() {
      refresh();
      let ok = true;
      const out = {};
      topBlocks().forEach(function (block) {
        const problem = block.querySelector(".problem");
        if (problem) { problem.hidden = true; problem.textContent = ""; }
        if (!visible(block) || block.classList.contains("note")) return;
        const v = valueOf(block);
        if (v === undefined) {
          if (block.getAttribute("data-required")) {
            ok = false;
            problem.hidden = false;
            problem.textContent = context.strings.required;
          }
          return;
        }
        if (typeof v === "string" && ["integer", "decimal"].indexOf(block.getAttribute("data-type")) >= 0) {
          ok = false;
          problem.hidden = false;
          problem.textContent = context.strings.not_number;
          return;
        }
        out[block.getAttribute("data-name")] = v;
      });
      Object.keys(repeats).forEach(function (name) {
        const rows = [];
        Array.from(repeats[name].rows.children).forEach(function (row) {
          const data = {};
          row.querySelectorAll(".question").forEach(function (block) {
            const v = valueOf(block);
            if (v !== undefined) data[block.getAttribute("data-name")] = v;
          });
          if (Object.keys(data).length) rows.push(data);
        });
        if (rows.length) out[name] = rows;
      });
      if (!ok) {
        const first = container.querySelector(".problem:not([hidden])");
        if (first) first.closest(".question").scrollIntoView({ block: "center" });
        return null;
      }
      return out;
    }

    function fill(previous) {
      Object.entries(previous || {}).forEach(function (entry) {
        const block = container.querySelector(".question[data-name='" + entry[0] + "']");
        if (!block) return;
        const id = block.getAttribute("data-id");
        const wanted = Array.isArray(entry[1]) ? entry[1].map(String) : [String(entry[1])];
        const boxes = block.querySelectorAll("input[name='" + id + "']");
        if (boxes.length && (boxes[0].type === "radio" || boxes[0].type === "checkbox")) {
          boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
        } else {
          const field = block.querySelector("#" + CSS.escape(id));
          if (field) field.value = String(entry[1]);
        }
      });
      refresh();
    }

    container.addEventListener("input", refresh);
    container.addEventListener("change", refresh);
    refresh();
    return { answers: answers, fill: fill, refresh: refresh };
  }

  global.PollwatchRender = { renderForm: renderForm, parse: parse, evaluate: evaluate, holds: holds, label: label };
})(window);
