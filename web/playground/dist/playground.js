"use strict";
// tactful playground: the page served by `tactful serve` at /. Sends the text to
// POST /api/v1/check as you type (debounced), highlights findings in a backdrop
// behind the textarea, explains them on hover, applies a suggestion on click, and
// shows the empathy score and category counts. No dependencies, no network
// beyond the service that served the page.
const DEBOUNCE_MS = 250;
function byId(id) {
    const el = document.getElementById(id);
    if (!el)
        throw new Error(`missing #${id}`);
    return el;
}
const input = byId("input");
const backdrop = byId("backdrop");
const tooltip = byId("tooltip");
const scoreEl = byId("score");
const categoriesEl = byId("categories");
const findingsEl = byId("findings");
const statusEl = byId("status");
const kindEl = byId("kind");
const formatEl = byId("format");
/** The findings shown, and the exact text they were computed for. */
let shown = { text: "", diagnostics: [] };
/** Requests are numbered; only the newest one's answer is shown. */
let sent = 0;
let timer;
let hideTimer;
const why = new Map();
function setStatus(text, state) {
    statusEl.textContent = text;
    document.body.dataset.state = state;
}
/** Shifts highlights across an edit so they stay on their words until the new answer. */
function carryOver(oldText, newText, diags) {
    let prefix = 0;
    const max = Math.min(oldText.length, newText.length);
    while (prefix < max && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix))
        prefix++;
    let suffix = 0;
    while (suffix < max - prefix &&
        oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix))
        suffix++;
    const oldEnd = oldText.length - suffix;
    const delta = newText.length - oldText.length;
    const out = [];
    for (const d of diags) {
        const [s, e] = d.utf16_range;
        if (e <= prefix)
            out.push(d);
        else if (s >= oldEnd)
            out.push({ ...d, utf16_range: [s + delta, e + delta], fixes: [] });
    }
    return out;
}
function render() {
    const text = input.value;
    backdrop.replaceChildren();
    let pos = 0;
    const sorted = shown.diagnostics
        .map((d, i) => ({ d, i }))
        .sort((a, b) => a.d.utf16_range[0] - b.d.utf16_range[0]);
    for (const { d, i } of sorted) {
        const [s, e] = d.utf16_range;
        if (s < pos || e > text.length || s === e)
            continue; // overlapping or whole-document: listed only
        backdrop.append(document.createTextNode(text.slice(pos, s)));
        const mark = document.createElement("mark");
        mark.className = `finding ${d.severity}`;
        mark.dataset.index = String(i);
        mark.dataset.rule = d.rule;
        mark.textContent = text.slice(s, e);
        backdrop.append(mark);
        pos = e;
    }
    backdrop.append(document.createTextNode(text.slice(pos) + "\n"));
    backdrop.scrollTop = input.scrollTop;
}
function renderSummary(file) {
    categoriesEl.replaceChildren();
    findingsEl.replaceChildren();
    if (!file) {
        scoreEl.textContent = "–";
        scoreEl.dataset.score = "";
        return;
    }
    scoreEl.textContent = String(file.score);
    scoreEl.dataset.score = String(file.score);
    scoreEl.className = `score ${file.score >= 85 ? "good" : file.score >= 60 ? "fair" : "poor"}`;
    const cats = Object.entries(file.categories).sort((a, b) => b[1] - a[1]);
    if (cats.length === 0) {
        const li = document.createElement("li");
        li.className = "empty";
        li.textContent = text_nothing();
        categoriesEl.append(li);
    }
    for (const [cat, n] of cats) {
        const li = document.createElement("li");
        li.dataset.category = cat;
        const name = document.createElement("span");
        name.textContent = cat;
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = String(n);
        li.append(name, count);
        categoriesEl.append(li);
    }
    file.diagnostics.forEach((d, i) => {
        const li = document.createElement("li");
        li.dataset.rule = d.rule;
        const msg = document.createElement("span");
        msg.className = "msg";
        msg.textContent = d.message;
        li.append(msg);
        for (const b of suggestionButtons(d, i))
            li.append(b);
        findingsEl.append(li);
    });
}
function text_nothing() {
    return input.value.trim() === "" ? "No findings yet." : "Nothing flagged. Nice.";
}
function suggestionButtons(d, index) {
    return d.fixes.map((fix, j) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "suggestion";
        b.textContent = fix.replacement === "" ? `Remove “${shown.text.slice(...fix.utf16_range)}”` : fix.replacement;
        b.title = fix.title;
        b.dataset.rule = d.rule;
        b.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep the caret in the textarea
        b.addEventListener("click", () => applyFix(index, j));
        return b;
    });
}
/** Applies a suggestion only to the text it was computed for; otherwise re-checks. */
function applyFix(index, fixIndex) {
    const d = shown.diagnostics[index];
    const fix = d?.fixes[fixIndex];
    if (!d || !fix || input.value !== shown.text) {
        schedule(0);
        return;
    }
    const [s, e] = fix.utf16_range;
    input.focus();
    input.setRangeText(fix.replacement, s, e, "end");
    hideTooltip(0);
    input.dispatchEvent(new Event("input", { bubbles: true }));
}
async function check() {
    const text = input.value;
    const id = ++sent;
    setStatus("checking…", "checking");
    try {
        const resp = await fetch("/api/v1/check", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ text, kind: kindEl.value, format: formatEl.value }),
        });
        const body = await resp.json();
        if (id !== sent || input.value !== text)
            return; // a newer edit is on its way
        if (!resp.ok) {
            setStatus(body?.error?.message ?? `error ${resp.status}`, "error");
            return;
        }
        const file = body.files[0];
        shown = { text, diagnostics: file.diagnostics };
        render();
        renderSummary(file);
        const n = file.diagnostics.length;
        setStatus(n === 0 ? "no findings" : `${n} finding${n === 1 ? "" : "s"}`, "idle");
    }
    catch (err) {
        if (id === sent)
            setStatus(`cannot reach tactful serve: ${String(err)}`, "error");
    }
}
function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void check(), delay);
}
function showTooltip(index, anchor) {
    const d = shown.diagnostics[index];
    if (!d)
        return;
    window.clearTimeout(hideTimer);
    tooltip.replaceChildren();
    tooltip.dataset.rule = d.rule;
    const msg = document.createElement("div");
    msg.className = "msg";
    msg.textContent = d.message;
    const rule = document.createElement("div");
    rule.className = "rule";
    rule.textContent = `${d.rule} · ${d.category}`;
    tooltip.append(msg);
    const reason = why.get(d.rule);
    if (reason) {
        const w = document.createElement("div");
        w.className = "why";
        w.textContent = reason;
        tooltip.append(w);
    }
    tooltip.append(...suggestionButtons(d, index), rule);
    tooltip.hidden = false;
    const top = anchor.bottom + 6;
    tooltip.style.left = `${Math.max(8, Math.min(anchor.left, window.innerWidth - 400))}px`;
    tooltip.style.top = `${top}px`;
    for (const m of backdrop.querySelectorAll("mark.active"))
        m.classList.remove("active");
    backdrop.querySelector(`mark[data-index="${index}"]`)?.classList.add("active");
}
function hideTooltip(delay) {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(() => {
        tooltip.hidden = true;
        for (const m of backdrop.querySelectorAll("mark.active"))
            m.classList.remove("active");
    }, delay);
}
/** The highlight under the pointer. The textarea covers the backdrop (which takes no
 * pointer events), so test the marks' line boxes against the point. */
function markAt(x, y) {
    for (const mark of backdrop.querySelectorAll("mark.finding")) {
        for (const r of mark.getClientRects()) {
            if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom)
                return mark;
        }
    }
    return null;
}
input.addEventListener("input", () => {
    const carried = carryOver(shown.text, input.value, shown.diagnostics);
    shown = { text: input.value, diagnostics: carried };
    render();
    hideTooltip(0);
    schedule(DEBOUNCE_MS);
});
input.addEventListener("scroll", () => {
    backdrop.scrollTop = input.scrollTop;
    hideTooltip(0);
});
input.addEventListener("mousemove", (ev) => {
    const mark = markAt(ev.clientX, ev.clientY);
    if (mark)
        showTooltip(Number(mark.dataset.index), mark.getBoundingClientRect());
    else if (!tooltip.hidden)
        hideTooltip(400);
});
input.addEventListener("mouseleave", () => hideTooltip(400));
tooltip.addEventListener("mouseenter", () => window.clearTimeout(hideTimer));
tooltip.addEventListener("mouseleave", () => hideTooltip(200));
/** Keyboard users: a caret inside a highlight shows its card. */
input.addEventListener("keyup", () => {
    const at = input.selectionStart;
    const i = shown.diagnostics.findIndex((d) => d.utf16_range[0] <= at && at < d.utf16_range[1]);
    const mark = i >= 0 ? backdrop.querySelector(`mark[data-index="${i}"]`) : null;
    if (mark)
        showTooltip(i, mark.getBoundingClientRect());
});
kindEl.addEventListener("change", () => schedule(0));
formatEl.addEventListener("change", () => schedule(0));
void fetch("/api/v1/rules")
    .then((r) => r.json())
    .then((body) => {
    for (const r of body.rules)
        if (r.why)
            why.set(r.id, r.why);
})
    .catch(() => undefined);
render();
if (input.value !== "")
    schedule(0);
