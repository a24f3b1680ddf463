// tongwen's web page: calls the service's JSON API and renders the answer in the DOM.
// Plain ES2020, no build step, no dependencies. User text only ever reaches the page through
// textContent and text nodes, never parsed as markup, so whatever is typed stays text.
"use strict";

(() => {
  const DEBOUNCE_MS = 250;
  // The diff stays bounded: a character diff up to these sizes, else a line diff, else a notice.
  const DIFF_MAX_ITEMS = 40000;
  const DIFF_MAX_EDITS = 2000;
  const DIFF_CONTEXT = 80; // unchanged characters kept on each side of a change

  const EXAMPLES = {
    convert: "头发和发展，里面的干部在干活。",
    annotate: "我们去银行取长补短。省长说，发展要靠大家。",
    repair: "代表團(tuán)的發(fā)言很重要，學(xué)習(xí)了關(guān)於發(fā)展的論述，各自?xún)?yōu)勢。",
  };
  const LANGS = { s: "zh-Hans", t: "zh-Hant", tw: "zh-Hant-TW", twp: "zh-Hant-TW", hk: "zh-Hant-HK" };

  const $ = (id) => document.getElementById(id);
  const state = { seq: 0, controller: null, copy: null, timer: 0 };

  /** An error answered by the API ({"error": {"code", "message"}}) or by the network. */
  class ApiError extends Error {
    constructor(code, message, status) {
      super(message);
      this.code = code;
      this.status = status;
    }
  }

  /** An element with the given class and text (as a text node). */
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function mode() {
    return document.querySelector('input[name="mode"]:checked').value;
  }

  // --- requests --------------------------------------------------------------------------------

  /** POST body as JSON to path (relative to the page); the parsed answer, or throws ApiError. */
  async function post(path, body, signal) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new ApiError("network_error", `the service did not answer (${err.message})`, 0);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok || data === null) {
      const error = data && data.error ? data.error : {};
      throw new ApiError(
        error.code || `http_${response.status}`,
        error.message || `${response.status} ${response.statusText}`.trim(),
        response.status,
      );
    }
    return data;
  }

  /** The endpoint and body of the current mode and options. */
  function request(text) {
    const m = mode();
    if (m === "convert") {
      const to = $("convert-to").value;
      return ["v1/convert", { text, to, from: $("convert-from").value, context: $("context").checked }];
    }
    if (m === "repair") return ["v1/clean", { text, to: $("clean-to").value }];
    const body = {
      text,
      to: $("annotate-to").value,
      from: $("annotate-from").value,
      format: $("format").value,
      style: $("style").value,
      tone: $("tone").value,
      readings: $("readings").value,
      sandhi: $("sandhi").checked,
      only: $("only").value,
    };
    if (body.only === "rare") {
      const rank = Number.parseInt($("rank").value, 10);
      if (Number.isFinite(rank)) body.rank = rank;
    }
    if (body.only === "custom") {
      body.only = "all";
      body.chars = $("chars").value;
    }
    return ["v1/annotate", body];
  }

  // --- rendering -------------------------------------------------------------------------------

  /** <ruby>字<rp>(</rp><rt>zì</rt><rp>)</rp></ruby> nodes for the tokens; other text as text. */
  function rubyFragment(tokens) {
    const fragment = document.createDocumentFragment();
    let plain = "";
    for (const token of tokens) {
      if (token.reading === null || token.reading === undefined) {
        plain += token.char;
        continue;
      }
      if (plain) fragment.append(plain);
      plain = "";
      const ruby = el("ruby");
      ruby.append(token.char, el("rp", "("), el("rt", token.reading), el("rp", ")"));
      if (token.candidates) {
        ruby.classList.add("poly");
        ruby.title = `${token.char}: ${token.candidates.join(" / ")} (${token.source})`;
      }
      fragment.append(ruby);
    }
    if (plain) fragment.append(plain);
    return fragment;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  /** The three copy forms of annotated tokens: HTML ruby markup, plain text, inline 字(zì). */
  function copyForms(tokens) {
    const shown = (t) => t.reading !== null && t.reading !== undefined;
    const html = tokens.map((t) => (shown(t)
      ? `<ruby>${escapeHtml(t.char)}<rp>(</rp><rt>${escapeHtml(t.reading)}</rt><rp>)</rp></ruby>`
      : escapeHtml(t.char))).join("");
    const plain = tokens.map((t) => t.char).join("");
    const inline = tokens.map((t) => (shown(t) ? `${t.char}(${t.reading})` : t.char)).join("");
    return { html, plain, inline };
  }

  function setResult(content, lang, className) {
    const result = $("result");
    result.className = `result ${className || ""}`.trim();
    result.lang = lang || "zh";
    result.replaceChildren(content);
  }

  function renderConvert(data) {
    setResult(data.text, LANGS[data.to]);
    state.copy = { plain: data.text };
    return $("convert-from").value === "auto" ? `source detected: ${data.from}` : "";
  }

  function renderAnnotate(data, body) {
    const lang = LANGS[body.to] || "zh";
    if (body.format === "ruby") setResult(rubyFragment(data.tokens), lang, "ruby-view");
    else setResult(data.text, lang, body.format === "tokens" ? "mono" : "");
    state.copy = copyForms(data.tokens);
    const read = data.tokens.filter((t) => t.reading !== null).length;
    return `${read} of ${data.tokens.length} characters read`;
  }

  function renderRepair(data, body) {
    setResult(data.text, body.to === "s" ? "zh-Hans" : "zh");
    state.copy = { plain: data.text };
    renderDetection(data);
    renderDiff(body.text, data.text);
    $("repair-report").hidden = false;
    return data.changed ? "repaired" : "left unchanged";
  }

  function renderDetection(data) {
    const d = data.detection;
    $("verdict").className = `verdict ${d.polluted ? "bad" : "good"}`;
    $("verdict").textContent = d.polluted
      ? `Polluted (score ${d.score.toFixed(2)}): ${data.stripped} readings stripped, `
        + `${data.repaired} garbles repaired${data.converted ? ", converted to Simplified" : ""}.`
      : `Not polluted (score ${d.score.toFixed(2)}): the text is left as it is.`;
    const rows = [
      ["Score", d.score.toFixed(3)],
      ["Han characters", d.han],
      ["字(reading) pairs", d.annotations],
      ["Readings that fit", d.fitting],
      ["Script-specific forms", d.converted],
      ["GBK garbles", d.garbles],
      ["Density", d.density.toFixed(3)],
    ];
    const list = document.createDocumentFragment();
    for (const [name, value] of rows) {
      const row = el("div");
      row.append(el("dt", name), el("dd", String(value)));
      list.append(row);
    }
    $("evidence").replaceChildren(list);
  }

  // --- diff --------------------------------------------------------------------------------------

  /**
   * Myers' O((N+M)D) diff of two arrays; runs of [op, items] with op "=", "-" or "+",
   * or null when more than maxEdits edits would be needed.
   */
  function myers(a, b, maxEdits) {
    const n = a.length;
    const m = b.length;
    const max = Math.min(n + m, maxEdits);
    const offset = max + 1;
    const v = new Int32Array(2 * max + 3);
    const trace = [];
    for (let d = 0; d <= max; d += 1) {
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1] : v[offset + k - 1] + 1;
        let y = x - k;
        while (x < n && y < m && a[x] === b[y]) { x += 1; y += 1; }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          trace.push(v.slice(offset - d, offset + d + 1));
          return backtrack(a, b, trace);
        }
      }
      trace.push(v.slice(offset - d, offset + d + 1));
    }
    return null;
  }

  /** The edit script from Myers' saved frontiers (trace[d][k + d] = furthest x on diagonal k). */
  function backtrack(a, b, trace) {
    const steps = [];
    let x = a.length;
    let y = b.length;
    for (let d = trace.length - 1; d > 0; d -= 1) {
      const prev = trace[d - 1];
      const at = (k) => prev[k + d - 1];
      const k = x - y;
      const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
      const prevK = down ? k + 1 : k - 1;
      const prevX = at(prevK);
      const prevY = prevX - prevK;
      while (x > prevX && y > prevY) { x -= 1; y -= 1; steps.push(["=", a[x]]); }
      if (down) { y -= 1; steps.push(["+", b[y]]); } else { x -= 1; steps.push(["-", a[x]]); }
    }
    while (x > 0) { x -= 1; steps.push(["=", a[x]]); }
    steps.reverse();
    const runs = [];
    for (const [op, item] of steps) {
      const last = runs[runs.length - 1];
      if (last && last[0] === op) last[1].push(item);
      else runs.push([op, [item]]);
    }
    return runs;
  }

  /** Runs of a diff of before/after: by character when small enough, else by line, else null. */
  function diffRuns(before, after) {
    const a = Array.from(before);
    const b = Array.from(after);
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head
      && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
    const midA = a.slice(head, a.length - tail);
    const midB = b.slice(head, b.length - tail);
    const wrap = (runs, unit) => runs && {
      unit,
      runs: [["=", a.slice(0, head)], ...runs, ["=", a.slice(a.length - tail)]],
    };
    if (midA.length + midB.length <= DIFF_MAX_ITEMS) {
      const runs = wrap(myers(midA, midB, DIFF_MAX_EDITS), "character");
      if (runs) return runs;
    }
    const lines = (chars) => chars.join("").split(/(?<=\n)/);
    const la = lines(midA);
    const lb = lines(midB);
    if (la.length + lb.length > DIFF_MAX_ITEMS) return null;
    return wrap(myers(la, lb, DIFF_MAX_EDITS), "line");
  }

  /** An unchanged run, long stretches far from any change elided to keep the DOM small. */
  function equalNodes(text, first, last) {
    const chars = Array.from(text);
    const keepHead = first ? 0 : DIFF_CONTEXT;
    const keepTail = last ? 0 : DIFF_CONTEXT;
    if (chars.length <= keepHead + keepTail + 20) return [text];
    const skipped = chars.length - keepHead - keepTail;
    return [
      chars.slice(0, keepHead).join(""),
      el("span", ` ⋯ ${skipped} unchanged characters ⋯ `, "elided"),
      chars.slice(chars.length - keepTail).join(""),
    ];
  }

  function renderDiff(before, after) {
    const note = $("diff-note");
    note.hidden = before !== after;
    note.textContent = "Nothing was changed.";
    if (before === after) {
      $("diff").replaceChildren();
      return;
    }
    const diff = diffRuns(before, after);
    if (diff === null) {
      $("diff").replaceChildren();
      note.textContent = "Too many changes to show them all: "
        + `${Array.from(before).length} characters in, ${Array.from(after).length} out.`;
      note.hidden = false;
      return;
    }
    if (diff.unit === "line") {
      note.textContent = "Too many changes for a character diff: whole lines are compared.";
      note.hidden = false;
    }
    const fragment = document.createDocumentFragment();
    const runs = diff.runs.filter(([, items]) => items.length > 0);
    runs.forEach(([op, items], i) => {
      const text = items.join("");
      if (op === "=") fragment.append(...equalNodes(text, i === 0, i === runs.length - 1));
      else fragment.append(el(op === "-" ? "del" : "ins", text));
    });
    $("diff").replaceChildren(fragment);
  }

  // --- the update cycle ----------------------------------------------------------------------------

  function showError(err) {
    const box = $("error");
    const status = err.status ? ` (HTTP ${err.status})` : "";
    box.replaceChildren(el("strong", `${err.code}${status}`), el("span", `: ${err.message}`));
    box.hidden = false;
  }

  function clearOutput() {
    setResult("");
    $("repair-report").hidden = true;
    state.copy = null;
    updateCopyButtons();
  }

  /** Ask the service for the current text and options; render the answer or the error. */
  async function update() {
    clearTimeout(state.timer);
    const seq = ++state.seq;
    if (state.controller) state.controller.abort();
    const text = $("text").value;
    $("error").hidden = true;
    if (!text) {
      clearOutput();
      setStatus("");
      setBusy(false);
      return;
    }
    const [path, body] = request(text);
    const controller = new AbortController();
    state.controller = controller;
    setStatus("working…");
    setBusy(true);
    const started = performance.now();
    try {
      const data = await post(path, body, controller.signal);
      if (seq !== state.seq) return;
      $("repair-report").hidden = true;
      const render = { convert: renderConvert, annotate: renderAnnotate, repair: renderRepair };
      const detail = render[mode()](data, body);
      const ms = Math.round(performance.now() - started);
      setStatus([detail, `${ms} ms`].filter(Boolean).join(" · "));
    } catch (err) {
      if (err.name === "AbortError" || seq !== state.seq) return;
      clearOutput();
      showError(err instanceof ApiError ? err : new ApiError("client_error", String(err), 0));
      setStatus("");
    }
    setBusy(false);
    updateCopyButtons();
  }

  /** Update after a pause in typing; an answer still in flight is stale from now on. */
  function schedule() {
    clearTimeout(state.timer);
    state.seq += 1;
    if (state.controller) state.controller.abort();
    setBusy(true);
    state.timer = setTimeout(update, DEBOUNCE_MS);
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  /** aria-busy on the result: true from a keystroke or option change until its answer is shown. */
  function setBusy(busy) {
    $("result").setAttribute("aria-busy", String(busy));
  }

  // --- copying -----------------------------------------------------------------------------------

  /** Copy text: the async Clipboard API, else a hidden textarea and execCommand("copy"). */
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (err) {
        // permission refused: fall through to the old way
      }
    }
    const area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    area.remove();
    return ok;
  }

  async function onCopy(event) {
    const button = event.currentTarget;
    const form = button.dataset.copy;
    const text = state.copy && state.copy[form];
    if (text === undefined || text === null) return;
    const ok = await copyText(text);
    setStatus(ok ? `copied ${button.textContent.replace(/^Copy /, "")}` : "copy failed: select the text and copy it");
  }

  function updateCopyButtons() {
    for (const button of document.querySelectorAll("[data-copy]")) {
      const form = button.dataset.copy;
      button.disabled = !(state.copy && typeof state.copy[form] === "string");
    }
    $("annotate-clean").disabled = !(state.copy && typeof state.copy.plain === "string");
  }

  /** Repair mode's next step: put the clean text in the box and show it annotated. */
  function annotateClean() {
    if (!(state.copy && typeof state.copy.plain === "string")) return;
    $("text").value = state.copy.plain;
    $("mode-annotate").checked = true;
    updateCount();
    syncVisibility();
    update();
  }

  // --- wiring ------------------------------------------------------------------------------------

  /** Show the options (and copy buttons) of the current mode and of the chosen selection. */
  function syncVisibility() {
    const m = mode();
    for (const node of document.querySelectorAll("[data-modes]")) {
      node.hidden = !node.dataset.modes.split(" ").includes(m);
    }
    const only = $("only").value;
    for (const node of document.querySelectorAll("[data-only]")) {
      node.hidden = node.dataset.only !== only;
    }
    document.body.dataset.mode = m;
  }

  function updateCount() {
    const n = Array.from($("text").value).length;
    $("count").textContent = `${n.toLocaleString("en")} character${n === 1 ? "" : "s"}`;
  }

  async function showVersion() {
    try {
      const response = await fetch("v1/version");
      const data = await response.json();
      if (data && data.tongwen) $("version").textContent = `tongwen ${data.tongwen}`;
    } catch (err) {
      // the footer keeps its plain name
    }
  }

  /** Each <select data-options-from="id"> gets copies of that select's options after its own
   *  (not selected: its own first option stays the default). */
  function copyOptions() {
    for (const select of document.querySelectorAll("select[data-options-from]")) {
      for (const option of $(select.dataset.optionsFrom).options) {
        select.add(new Option(option.textContent, option.value));
      }
    }
  }

  function init() {
    copyOptions();
    const form = $("form");
    form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
    $("text").addEventListener("input", () => { updateCount(); schedule(); });
    form.addEventListener("change", (event) => {
      if (event.target.id === "text") return;
      syncVisibility();
      update();
    });
    $("rank").addEventListener("input", schedule);
    $("chars").addEventListener("input", schedule);
    $("example").addEventListener("click", () => {
      $("text").value = EXAMPLES[mode()];
      updateCount();
      update();
    });
    $("clear").addEventListener("click", () => {
      $("text").value = "";
      updateCount();
      update();
      $("text").focus();
    });
    for (const button of document.querySelectorAll("[data-copy]")) {
      button.addEventListener("click", onCopy);
    }
    $("annotate-clean").addEventListener("click", annotateClean);
    syncVisibility();
    updateCount();
    updateCopyButtons();
    showVersion();
    if ($("text").value) update();
  }

  init();
})();
