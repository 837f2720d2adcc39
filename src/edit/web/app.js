// gongkai edit — the page's script, written for this project (no libraries).
// Every text from a report or the server is put in with textContent, never as HTML; the only markup
// inserted is the preview's SVG, which the server draws from the typeset pages.
"use strict";

const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

/** A new element: attributes (on* as listeners, dataset via data-*) and children (strings as text). */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (k === "value") e.value = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A JSON request to the server: {ok, status, data}. */
async function api(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    return { ok: false, status: 0, data: { message: "无法连接 gongkai edit：程序可能已经关闭", hint: "请重新运行 gongkai edit" } };
  }
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch (e) { data = { message: text }; }
  return { ok: res.ok, status: res.status, data };
}

function setStatus(text, bad, extra) {
  const s = $("#status");
  s.textContent = text || "";
  s.classList.toggle("bad", !!bad);
  if (extra) s.append(...extra);
}

/** A dialog with a title, body nodes and buttons [{label, id, primary, onclick}]. */
function showDialog(title, body, buttons) {
  const d = $("#dialog");
  d.replaceChildren(el("h2", {}, title), ...body.filter((x) => x !== null && x !== undefined),
    el("div", { class: "buttons" }, buttons.map((b) =>
      el("button", { id: b.id, class: b.primary ? "primary" : "", onclick: () => { d.close(); if (b.onclick) b.onclick(); } }, b.label))));
  if (!d.open) d.showModal();
}

function diagList(diags) {
  return el("ul", { class: "diaglist" }, (diags || []).map((d) =>
    el("li", { class: d.severity }, d.text || d.message)));
}

function showError(r, title) {
  const d = r.data || {};
  showDialog(title || "出错了", [el("p", {}, d.message || ("错误 " + r.status)),
    d.hint ? el("p", { class: "muted" }, d.hint) : null, diagList(d.diagnostics)],
    [{ label: "知道了", id: "ok", primary: true }]);
}

// ---------------------------------------------------------------- folder view

async function folderView() {
  state.report = null;
  $("#actions").replaceChildren();
  $("#where").textContent = "";
  setStatus("");
  const r = await api("GET", "/api/folder");
  const main = $("#main");
  if (!r.ok) { main.replaceChildren(el("p", { class: "msg error" }, r.data.message)); return; }
  $("#where").textContent = r.data.folder;
  const reports = r.data.reports;
  const rows = reports.map((x) => {
    const cls = !x.readable || x.errors ? "err" : x.warnings ? "warn" : "ok";
    return el("tr", { "data-file": x.file },
      el("td", {}, el("a", { href: "#/r/" + encodeURIComponent(x.file) }, x.file)),
      el("td", { class: "organ" }, x.organ || ""),
      el("td", { class: "year" }, x.year === null ? "" : String(x.year)),
      el("td", {}, x.format || ""),
      el("td", { class: "status " + cls, title: x.message || "" }, x.status));
  });
  const table = reports.length
    ? el("table", { class: "list", id: "reports" },
      el("thead", {}, el("tr", {}, ["文件", "机关", "年度", "格式", "检查结果"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows))
    : el("p", { class: "muted" }, "这个文件夹中还没有报告。用下面的“新建报告”开始。");
  const year = new Date().getFullYear() - 1;
  const fromSel = el("select", { name: "from", id: "new-from" }, el("option", { value: "" }, "（不带入）"),
    reports.filter((x) => x.readable).map((x) => el("option", { value: x.file }, x.file)));
  const organ = el("input", { name: "organ", id: "new-organ", size: 24, placeholder: "例如：某县某局" });
  const yearIn = el("input", { name: "year", id: "new-year", type: "number", value: String(year), min: 2019, max: 2100 });
  fromSel.addEventListener("change", () => {
    const x = reports.find((y) => y.file === fromSel.value);
    if (x) { organ.value = x.organ || ""; yearIn.value = String((x.year || year - 1) + 1); }
  });
  const form = el("form", { class: "new", onsubmit: async (ev) => {
    ev.preventDefault();
    const res = await api("POST", "/api/new", { organ: organ.value, year: Number(yearIn.value), from: fromSel.value || null });
    if (!res.ok) { showError(res, "没有新建报告"); return; }
    location.hash = "#/r/" + encodeURIComponent(res.data.file);
  } },
  el("label", {}, "机关名称", organ), el("label", {}, "年度", yearIn),
  el("label", {}, "带入上一年度的报告", fromSel), el("button", { class: "primary", id: "new-create" }, "新建报告"));
  main.replaceChildren(
    el("div", { class: "panel" }, el("h1", {}, "本文件夹中的报告"), table),
    el("div", { class: "panel" }, el("h2", {}, "新建报告"), form,
      el("p", { class: "muted" }, "带入上一年度的报告时，机关名称、导语、上年结转等数字与 gongkai new --from 相同。")));
}

// ---------------------------------------------------------------- report view

const state = { report: null, seq: 0, timer: null, since: null, inflight: false, queued: false, shownPrints: [], timings: [] };
window.gongkai = state;

async function reportView(file) {
  $("#main").replaceChildren(el("p", { class: "muted" }, "正在打开 " + file + " ……"));
  const r = await api("GET", "/api/open?file=" + encodeURIComponent(file));
  if (!r.ok) {
    const d = r.data || {};
    $("#main").replaceChildren(el("div", { class: "panel" }, el("h1", {}, file),
      el("p", { class: "msg error" }, d.message || ("错误 " + r.status)), diagList(d.diagnostics),
      el("p", {}, el("a", { href: "#/" }, "返回文件夹"))));
    return;
  }
  const rep = { file: r.data.file, draft: r.data.draft, form: r.data.form, fingerprint: r.data.fingerprint,
    previous: r.data.previous, dirty: false, computed: {} };
  state.report = rep;
  state.shownPrints = [];
  $("#where").textContent = rep.file;
  $("#actions").replaceChildren(
    el("button", { id: "save", class: "primary", onclick: () => save(false) }, "保存"),
    el("button", { id: "render", onclick: () => renderFiles("gbt9704") }, "生成 PDF 和 Word"),
    el("button", { id: "notice", onclick: () => renderFiles("notice-board") }, "公开栏版"));
  setStatus(rep.previous ? "已对照上一年度的报告：" + rep.previous : "");
  drawReport(rep);
  applyFindings(r.data.findings);
  update(true);
}

function drawReport(rep) {
  const d = rep.draft;
  const title = el("h1", { id: "organ-title" }, d.organ || "（未填写机关名称）");
  const field = (label, name, value, attrs) => {
    const input = el("input", Object.assign({ "data-field": name, value: value === null || value === undefined ? "" : String(value) }, attrs || {}));
    input.addEventListener("input", () => {
      setField(d, name, input.value);
      if (name === "organ") title.textContent = input.value || "（未填写机关名称）";
      changed();
    });
    return [el("label", {}, label), el("div", { "data-target": "f:" + name }, input)];
  };
  const sig = d.signature || {};
  const fields = el("div", { class: "fields" },
    field("机关名称", "organ", d.organ),
    field("报告年度", "year", d.year, { type: "number" }),
    field("标题", "title", d.title, { placeholder: "（默认：机关名称＋年度＋年政府信息公开工作年度报告）" }),
    field("落款机关", "signature.organ", sig.organ, { placeholder: "（默认：机关名称）" }),
    field("落款日期", "signature.date", sig.date, { placeholder: "例如 2022-01-20" }));
  const left = el("div", { class: "formcol" },
    el("div", { class: "panel" }, title, el("p", { class: "muted" }, rep.form.name || ""), fields),
    el("div", { class: "panel", id: "findings" }),
    el("section", { class: "panel sec", "data-section": "lead" }, el("h2", {}, "导语"), blocksEditor(d, "lead", d.lead)));
  rep.form.sections.forEach((fs, i) => {
    const ds = d.sections.find((s) => s.id === fs.id) || d.sections[i];
    const body = fs.kind === "table" ? tableEditor(fs, ds) : blocksEditor(d, fs.id, ds.blocks || (ds.blocks = []));
    left.append(el("section", { class: "panel sec", "data-section": fs.id }, el("h2", {}, fs.heading),
      fs.what ? el("p", { class: "muted" }, "应写：" + fs.what) : null, body));
  });
  const right = el("div", { class: "previewcol" }, el("div", { id: "pages", "aria-label": "预览" }));
  $("#main").replaceChildren(el("div", { class: "report" }, left, right));
}

function setField(d, name, value) {
  if (name === "year") { d.year = value === "" ? 0 : Number(value); return; }
  if (name.startsWith("signature.")) {
    const k = name.slice(10);
    if (!d.signature) d.signature = { organ: null, date: "" };
    d.signature[k] = k === "organ" && value === "" ? null : value;
    if (d.signature.organ === null && d.signature.date === "") d.signature = null;
    return;
  }
  d[name] = name === "organ" ? value : (value === "" ? null : value);
}

const LEVELS = [["", "自动"], ["2", "二级（一）"], ["3", "三级 1."], ["4", "四级（1）"]];
const CN = "一二三四五六七八九十";

/** The numbering suggested for a new heading of `level` after `count` others of that level. */
function numbering(level, count) {
  const n = count + 1;
  if (level === 3) return n + ".";
  if (level === 4) return "（" + n + "）";
  const cn = n <= 10 ? CN[n - 1] : n < 20 ? "十" + CN[n - 11] : String(n);
  return "（" + cn + "）";
}

/** Paragraphs and headings of a text section: one box per paragraph. */
function blocksEditor(d, sectionId, blocks) {
  const wrap = el("div", { class: "blocks" });
  const redraw = (focus) => {
    wrap.replaceChildren(...blocks.map((b, i) => blockEditor(blocks, b, i, sectionId, redraw)),
      el("div", { class: "adders" },
        el("button", { class: "small", onclick: () => { blocks.push({ para: "" }); redraw(blocks.length - 1); changed(); } }, "＋ 段落"),
        // the lead is paragraphs only (the format has no headings there)
        sectionId === "lead" ? null : el("button", { class: "small", onclick: () => {
          const count = blocks.filter((x) => x.heading !== undefined && (x.level || 2) === 2).length;
          blocks.push({ heading: numbering(2, count), level: null, text: null }); redraw(blocks.length - 1); changed();
        } }, "＋ 小标题")));
    if (focus !== undefined) {
      const box = $("[data-block='" + focus + "']:is(textarea.para:not(.runin), input.htext)", wrap);
      if (box) { box.focus(); if (box.setSelectionRange) box.setSelectionRange(0, 0); }
    }
  };
  redraw();
  return wrap;
}

function autoGrow(t) {
  t.style.height = "auto";
  t.style.height = Math.max(t.scrollHeight + 2, 48) + "px";
}

function blockEditor(blocks, b, i, sectionId, redraw) {
  const target = "b:" + sectionId + ":" + i;
  const tools = el("div", { class: "tools" },
    el("button", { class: "small", title: "上移", onclick: () => { if (i > 0) { [blocks[i - 1], blocks[i]] = [blocks[i], blocks[i - 1]]; redraw(); changed(); } } }, "↑"),
    el("button", { class: "small", title: "删除这一段", onclick: () => { blocks.splice(i, 1); redraw(); changed(); } }, "✕"));
  if (b.heading !== undefined) {
    const level = el("select", { class: "level", title: "标题层级" }, LEVELS.map(([v, t]) =>
      el("option", { value: v, selected: String(b.level || "") === v }, t)));
    level.addEventListener("change", () => { b.level = level.value ? Number(level.value) : null; changed(); });
    const h = el("input", { class: "htext", value: b.heading, "data-section": sectionId, "data-block": i });
    h.addEventListener("input", () => { b.heading = h.value; changed(); });
    const body = el("textarea", { class: "para runin", rows: 2, placeholder: "（可选）标题后接排的正文", "data-section": sectionId, "data-block": i });
    body.value = b.text || "";
    body.addEventListener("input", () => { b.text = body.value === "" ? null : body.value; autoGrow(body); changed(); });
    setTimeout(() => autoGrow(body));
    return el("div", { class: "block heading", "data-target": target },
      el("div", {}, el("div", { class: "adders" }, level, h), body), tools);
  }
  const t = el("textarea", { class: "para", rows: 3, "data-section": sectionId, "data-block": i });
  t.value = b.para;
  t.addEventListener("input", () => { b.para = t.value; autoGrow(t); changed(); });
  // Enter starts a new paragraph (a paragraph is one box), the text after the caret going with it
  t.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing) return;
    ev.preventDefault();
    const at = t.selectionStart;
    b.para = t.value.slice(0, at);
    blocks.splice(i + 1, 0, { para: t.value.slice(at) });
    redraw(i + 1);
    changed();
  });
  setTimeout(() => autoGrow(t));
  return el("div", { class: "block", "data-target": target }, t, tools);
}

/** A table section drawn from its Form grid: labels as printed, an input per number cell. */
function tableEditor(fs, ds) {
  const t = fs.table;
  const rows = ds.rows || (ds.rows = {});
  const table = el("table", { class: "form", "data-table": fs.id, "aria-label": t.name });
  t.grid.forEach((gridRow, r) => {
    const tr = el("tr");
    for (const c of gridRow) {
      if (!c) continue;
      const span = { colspan: c.colspan > 1 ? c.colspan : null, rowspan: c.rowspan > 1 ? c.rowspan : null };
      if (c.kind === "number" && c.input) {
        const { row, col, total } = c.input;
        const vals = rows[row] || (rows[row] = []);
        while (vals.length <= col) vals.push("");
        const input = el("input", { class: "num" + (total ? " total" : ""), inputmode: "decimal",
          "data-section": fs.id, "data-row": row, "data-col": col, value: vals[col],
          "aria-label": (c.name || c.text || row) });
        input.addEventListener("input", () => { vals[col] = input.value.trim(); changed(true); });
        tr.append(el("td", Object.assign({ class: "num", "data-target": "t:" + fs.id + ":" + row + ":" + col }, span), input));
      } else {
        const tag = c.kind === "caption" || c.kind === "header" ? "th" : "td";
        tr.append(el(tag, Object.assign({ class: c.kind }, span), c.text || ""));
      }
    }
    table.append(tr);
    if (r === (t.header_rows || 0) - 1) table.dataset.headerRows = String(t.header_rows);
  });
  return el("div", {}, el("div", { class: "gridwrap" }, table), el("div", { class: "notes", "data-notes": fs.id }));
}

/** Shows the 总计 the program computes in the empty total cells. */
function applyComputed(computed) {
  for (const input of $$("input.num.total")) {
    const c = ((computed[input.dataset.section] || {})[input.dataset.row] || {})[input.dataset.col];
    input.placeholder = c === undefined ? "" : c;
    input.title = c === undefined ? "" : "自动计算：" + c + "（可不填）";
  }
}

// ---------------------------------------------------------------- findings

function targetKey(t) {
  if (!t) return null;
  if (t.field) return "f:" + t.field;
  if (t.block !== undefined) return "b:" + t.section + ":" + t.block;
  if (t.row !== undefined) return "t:" + t.section + ":" + t.row + ":" + t.col;
  return null;
}

function applyFindings(findings) {
  findings = findings || [];
  for (const e of $$(".err, .warn")) { e.classList.remove("err", "warn"); e.removeAttribute("title"); }
  for (const e of $$(".msg.note")) e.remove();
  const list = $("#findings");
  if (!list) return;
  const items = findings.map((f) => {
    const key = targetKey(f.target);
    const place = key ? $('[data-target="' + CSS.escape(key) + '"]') : null;
    const cls = f.severity === "error" ? "err" : "warn";
    const msg = () => el("div", { class: "msg note " + f.severity }, f.message, f.hint ? el("span", { class: "hint" }, "（" + f.hint + "）") : null);
    if (place) {
      place.classList.add(cls);
      if (key.startsWith("t:")) {
        const notes = $('[data-notes="' + CSS.escape(f.target.section) + '"]');
        if (notes) notes.append(msg());
        place.title = (place.title ? place.title + "\n" : "") + f.message;
      } else {
        place.after(msg());
      }
    }
    return el("li", { class: f.severity, "data-code": f.code, "data-key": key || "", onclick: () => goTo(key) },
      (f.severity === "error" ? "错误：" : "警告：") + f.message, f.hint ? el("span", { class: "hint" }, " 提示：" + f.hint) : null);
  });
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  bubble();
  list.classList.toggle("clean", findings.length === 0);
  list.replaceChildren(el("strong", { id: "summary" }, findings.length === 0 ? "检查通过" :
    (errors ? errors + " 个错误" : "") + (errors && warnings ? "、" : "") + (warnings ? warnings + " 条警告" : "")),
  ...(items.length ? [el("ul", {}, items)] : []));
}

/** The message of the table cell being typed in, shown right below it. */
function bubble() {
  let b = $("#bubble");
  const input = document.activeElement;
  const cell = input && input.matches && input.matches("input.num") ? input.closest("td") : null;
  if (!cell || !cell.title) { if (b) b.hidden = true; return; }
  if (!b) { b = el("div", { id: "bubble", role: "tooltip" }); document.body.append(b); }
  b.textContent = cell.title;
  b.className = cell.classList.contains("err") ? "error" : "warning";
  const r = cell.getBoundingClientRect();
  b.style.left = Math.max(4, r.left + window.scrollX) + "px";
  b.style.top = r.bottom + window.scrollY + 2 + "px";
  b.hidden = false;
}
document.addEventListener("focusin", bubble);
document.addEventListener("focusout", () => setTimeout(bubble));

function goTo(key) {
  const place = key ? $('[data-target="' + CSS.escape(key) + '"]') : null;
  if (!place) return;
  place.scrollIntoView({ block: "center", behavior: "smooth" });
  const input = $("input, textarea", place);
  if (input) input.focus({ preventScroll: true });
  place.classList.remove("flash");
  void place.offsetWidth;
  place.classList.add("flash");
}

// ---------------------------------------------------------------- check and preview as the clerk types
// A number goes to the server at once; text after a pause of 150 ms. One request pair is in flight
// at a time; changes made meanwhile go together in the next one.

function busy() {
  const b = state.inflight || state.timer !== null || state.queued;
  document.body.dataset.busy = b ? "1" : "0";
}

function changed(immediate) {
  const rep = state.report;
  if (!rep) return;
  rep.dirty = true;
  setStatus("有未保存的修改");
  if (state.since === null) state.since = performance.now();
  clearTimeout(state.timer);
  state.timer = null;
  if (immediate) kick();
  else state.timer = setTimeout(kick, 150);
  busy();
}

function kick() {
  state.timer = null;
  if (state.inflight) state.queued = true;
  else update(false);
  busy();
}

/** POST check and preview at once; applies what they answer. */
async function update(first) {
  const rep = state.report;
  const seq = ++state.seq;
  const t0 = first || state.since === null ? performance.now() : state.since;
  state.since = null;
  state.inflight = true;
  busy();
  const body = { file: rep.file, draft: rep.draft };
  const check = api("POST", "/api/check", body).then((r) => {
    if (seq !== state.seq || state.report !== rep) return null;
    if (r.ok) { applyFindings(r.data.findings); applyComputed(r.data.computed || {}); }
    r.at = performance.now();
    return r;
  });
  const preview = api("POST", "/api/preview", Object.assign({ have: state.shownPrints }, body)).then((r) => {
    if (seq !== state.seq || state.report !== rep) return null;
    showPages(r);
    r.at = performance.now();
    return r;
  });
  const [c, p] = await Promise.all([check, preview]);
  const applied = performance.now();
  // on screen: after the next frame is painted
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  if (c && p && c.ok && p.ok && !first) {
    state.timings.push({ total: performance.now() - t0, applied: applied - t0, checkShown: c.at - t0,
      previewShown: p.at - t0, check: c.data.ms, preview: p.data.ms });
  }
  state.inflight = false;
  document.body.dataset.gen = String(Number(document.body.dataset.gen) + 1);
  if (state.queued && state.report === rep) { state.queued = false; update(false); }
  busy();
}

function showPages(r) {
  const pages = $("#pages");
  if (!pages) return;
  pages.classList.remove("stale");
  if (!r.ok) {
    let note = $("#preview-note");
    if (!note) { note = el("div", { id: "preview-note", class: "msg error" }); pages.before(note); }
    note.replaceChildren(r.data.message || "预览暂时无法显示", diagList(r.data.diagnostics));
    pages.classList.add("stale");
    return;
  }
  const note = $("#preview-note");
  if (note) note.remove();
  const svgs = r.data.pages;
  const boxes = $$(".page", pages);
  svgs.forEach((svg, i) => {
    let box = boxes[i];
    if (!box) { box = el("div", { class: "page", "data-page": i + 1 }); pages.append(box); }
    // a page the server did not send again is unchanged
    if (svg !== null) { box.innerHTML = svg; state.shownPrints[i] = r.data.fingerprints[i]; }
    box.dataset.lines = JSON.stringify(r.data.lines[i] || []);
  });
  for (const extra of boxes.slice(svgs.length)) extra.remove();
  state.shownPrints.length = svgs.length;
  pages.dataset.count = String(svgs.length);
}

// ---------------------------------------------------------------- save, conflicts, render

async function save(copy, fingerprint) {
  const rep = state.report;
  if (!rep) return false;
  const r = await api("POST", "/api/save", { file: rep.file, draft: rep.draft, fingerprint: fingerprint || rep.fingerprint, copy: !!copy });
  if (r.status === 409 && r.data.mine) { conflict(r.data); return false; }
  if (!r.ok) { showError(r, "没有保存"); return false; }
  if (r.data.file !== rep.file) {
    rep.dirty = false;
    location.hash = "#/r/" + encodeURIComponent(r.data.file);
    return false;
  }
  rep.fingerprint = r.data.fingerprint;
  rep.dirty = false;
  setStatus("已保存 " + new Date().toLocaleTimeString());
  return true;
}

function conflict(data) {
  const disk = data.disk;
  showDialog("文件已被改过", [
    el("p", { class: "msg error" }, data.message), el("p", { class: "muted" }, data.hint),
    el("div", { class: "versions" },
      el("div", {}, el("h3", {}, "磁盘上的版本"), el("pre", { id: "disk-version" }, disk ? disk.yaml : "（文件已不存在）")),
      el("div", {}, el("h3", {}, "本页的版本"), el("pre", { id: "my-version" }, data.mine.yaml)))],
  [{ label: "重新载入（放弃本页的修改）", id: "reload", onclick: () => { state.report.dirty = false; reportView(state.report.file); } },
    { label: "另存为副本（两份都保留）", id: "copy", primary: true, onclick: () => save(true) },
    disk ? { label: "覆盖磁盘上的版本", id: "overwrite", onclick: () => save(false, disk.fingerprint) } : null,
    { label: "取消", id: "cancel" }].filter(Boolean));
}

async function renderFiles(style) {
  const rep = state.report;
  if (!rep) return;
  if (rep.dirty && !(await save(false))) return;
  setStatus(style === "notice-board" ? "正在生成公开栏版……" : "正在生成 PDF 和 Word……");
  const r = await api("POST", "/api/render", { file: rep.file, style });
  if (!r.ok) { setStatus("没有生成文件", true); showError(r, "没有生成文件"); return; }
  const links = r.data.files.map((f) => el("a", { class: "download", href: "/api/download?file=" + encodeURIComponent(f), download: f }, f));
  setStatus("已生成：", false, links);
}

// ---------------------------------------------------------------- routing

function route() {
  const h = location.hash;
  if (state.report && state.report.dirty && !confirm("有未保存的修改，确定离开吗？")) return;
  if (h.startsWith("#/r/")) reportView(decodeURIComponent(h.slice(4)));
  else folderView();
}

window.addEventListener("hashchange", route);
window.addEventListener("beforeunload", (e) => {
  if (state.report && state.report.dirty) { e.preventDefault(); e.returnValue = ""; }
});
// the token has become a cookie: keep it out of the address bar (and of bookmarks)
if (location.search.includes("token=")) history.replaceState(null, "", location.pathname + location.hash);
route();
