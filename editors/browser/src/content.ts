// tactful content script: on the sites the user allows, finds <textarea> and
// contenteditable editors, has the local service check their text (via the service
// worker), and underlines findings in an overlay (a shadow root outside the page's
// content) without touching the editor's text. Clicking an underline offers the
// rewrites; applying one writes through the editor's own input path (execCommand
// insertText, which fires beforeinput/input) so the page's framework sees it.
// Answers and fixes are used only for the exact text they were computed for.

interface TactfulFix {
  title: string;
  replacement: string;
  utf16_range: [number, number];
}

interface TactfulFinding {
  rule: string;
  category: string;
  severity: string;
  message: string;
  utf16_range: [number, number];
  fixes: TactfulFix[];
}

(() => {
  type Editor = HTMLTextAreaElement | HTMLElement;

  interface EditorState {
    /** The text the findings belong to; null while a check is pending or after an edit. */
    text: string | null;
    findings: TactfulFinding[];
    /** Bumped by every edit and every check; an answer for an older number is dropped. */
    seq: number;
    timer?: number;
  }

  interface Segment {
    node: Text;
    start: number;
    /** Inside a contenteditable=false island (e.g. a placeholder chip): never edited. */
    atomic: boolean;
  }

  const DEBOUNCE_MS = 300;
  const PLACEHOLDER = /\{\{\{?[^{}]*\}\}\}?|\{%[^%]*%\}/g;
  const states = new Map<Editor, EditorState>();
  let site: TactfulSite | undefined;
  let overlay: ShadowRoot | null = null;
  let layer: HTMLDivElement | null = null;
  let card: HTMLDivElement | null = null;
  /** What each drawn underline covers, for hit-testing clicks. */
  let hits: { editor: Editor; index: number; rects: DOMRect[] }[] = [];

  function pageHostPort(): [string, string] {
    const ancestors = location.ancestorOrigins;
    const origin = ancestors && ancestors.length > 0 ? ancestors[ancestors.length - 1] : location.origin;
    try {
      const u = new URL(origin);
      return [u.hostname, u.port];
    } catch {
      return [location.hostname, location.port];
    }
  }

  function editorOf(target: EventTarget | null): Editor | null {
    if (target instanceof HTMLTextAreaElement) return target.readOnly || target.disabled ? null : target;
    if (!(target instanceof HTMLElement) || !target.isContentEditable) return null;
    let host: HTMLElement = target;
    while (host.parentElement && host.parentElement.isContentEditable) host = host.parentElement;
    return host;
  }

  // ---- text of an editor, and the way back to DOM positions ------------------------------

  const BLOCK = /^(P|DIV|LI|UL|OL|H[1-6]|BLOCKQUOTE|PRE|TR|TABLE|SECTION|ARTICLE|HEADER|FOOTER)$/;

  function textMap(root: HTMLElement): { text: string; segments: Segment[] } {
    let text = "";
    const segments: Segment[] = [];
    const walk = (node: Node, atomic: boolean): void => {
      for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === Node.TEXT_NODE) {
          const t = child as Text;
          segments.push({ node: t, start: text.length, atomic });
          text += t.data;
        } else if (child instanceof HTMLElement) {
          if (child.tagName === "BR") {
            text += "\n";
            continue;
          }
          if (/^(SCRIPT|STYLE|TEMPLATE)$/.test(child.tagName)) continue;
          const block = BLOCK.test(child.tagName);
          if (block && text !== "" && !text.endsWith("\n")) text += "\n";
          walk(child, atomic || child.contentEditable === "false");
          if (block && text !== "" && !text.endsWith("\n")) text += "\n";
        }
      }
    };
    walk(root, false);
    return { text, segments };
  }

  function textOf(ed: Editor): string {
    if (ed instanceof HTMLTextAreaElement) return ed.value;
    return textMap(ed).text.replace(/\n$/, "");
  }

  /** DOM position of a text offset. At a boundary between text nodes a range start
   * takes the next node and a range end the previous one, so a range never reaches
   * into a neighbouring node (a placeholder chip, a bold run) it does not cover. */
  function domPosition(segments: Segment[], offset: number, end: boolean): { seg: Segment; at: number } | null {
    const inside = segments.find((s) => offset > s.start && offset < s.start + s.node.data.length);
    if (inside) return { seg: inside, at: offset - inside.start };
    const starting = segments.find((s) => s.start === offset);
    const ending = [...segments].reverse().find((s) => s.start + s.node.data.length === offset);
    const pick = end ? ending ?? starting : starting ?? ending;
    if (!pick) return null;
    return { seg: pick, at: pick === ending && (end || !starting) ? pick.node.data.length : 0 };
  }

  function domRange(ed: HTMLElement, start: number, end: number): { range: Range; atomic: boolean } | null {
    const { segments } = textMap(ed);
    const a = domPosition(segments, start, false);
    const b = domPosition(segments, end, true);
    if (!a || !b) return null;
    const range = ed.ownerDocument.createRange();
    range.setStart(a.seg.node, a.at);
    range.setEnd(b.seg.node, b.at);
    const atomic = segments.some(
      (s) => s.atomic && s.start < end && s.start + s.node.data.length > start,
    );
    return { range, atomic };
  }

  // ---- geometry -------------------------------------------------------------------------

  const MIRRORED = [
    "boxSizing", "width", "height", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
    "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "borderStyle",
    "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant", "lineHeight", "letterSpacing",
    "wordSpacing", "textTransform", "textIndent", "tabSize", "direction",
  ] as const;

  /** Client rects of [start, end) in a textarea, from a hidden mirror with its metrics. */
  function textareaRects(ta: HTMLTextAreaElement, start: number, end: number): DOMRect[] {
    const root = ensureOverlay();
    const mirror = document.createElement("div");
    const cs = getComputedStyle(ta);
    const box = ta.getBoundingClientRect();
    for (const p of MIRRORED) (mirror.style as unknown as Record<string, string>)[p] = cs[p];
    Object.assign(mirror.style, {
      position: "fixed", left: `${box.left}px`, top: `${box.top}px`, visibility: "hidden",
      whiteSpace: "pre-wrap", overflowWrap: "break-word", overflow: "hidden", borderColor: "transparent",
      margin: "0",
    });
    const before = document.createTextNode(ta.value.slice(0, start));
    const mid = document.createElement("span");
    mid.textContent = ta.value.slice(start, end);
    mirror.append(before, mid, document.createTextNode(ta.value.slice(end) + "\n"));
    root.append(mirror);
    mirror.scrollTop = ta.scrollTop;
    mirror.scrollLeft = ta.scrollLeft;
    const rects = Array.from(mid.getClientRects());
    mirror.remove();
    return rects;
  }

  function findingRects(ed: Editor, f: TactfulFinding): DOMRect[] {
    const [s, e] = f.utf16_range;
    const rects = ed instanceof HTMLTextAreaElement ? textareaRects(ed, s, e) : Array.from(domRange(ed, s, e)?.range.getClientRects() ?? []);
    const clip = ed.getBoundingClientRect();
    return rects
      .filter((r) => r.width > 0 && r.bottom > clip.top && r.top < clip.bottom && r.right > clip.left && r.left < clip.right)
      .map((r) => new DOMRect(Math.max(r.left, clip.left), r.top, Math.min(r.right, clip.right) - Math.max(r.left, clip.left), r.height));
  }

  // ---- overlay --------------------------------------------------------------------------

  function ensureOverlay(): ShadowRoot {
    if (overlay && overlay.host.isConnected) return overlay;
    const host = document.createElement("tactful-overlay");
    host.setAttribute("style", "all: initial; position: fixed; left: 0; top: 0; width: 0; height: 0; z-index: 2147483647; pointer-events: none;");
    overlay = host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = `
      .u { position: fixed; height: 0; border-bottom: 2px solid #f5a623; pointer-events: none; }
      .u.error { border-color: #d1242f; } .u.info { border-color: #2f81f7; } .u.hint { border-bottom-style: dotted; border-color: #8c959f; }
      .card { position: fixed; pointer-events: auto; max-width: 360px; background: #fff; color: #1f2328; border: 1px solid #d1d9e0;
              border-radius: 8px; box-shadow: 0 8px 24px rgba(31,35,40,.2); padding: 10px 12px; font: 14px/1.4 system-ui, sans-serif; }
      .card .rule { font: 11px ui-monospace, monospace; color: #59636e; margin-top: 6px; }
      .card button { display: block; width: 100%; text-align: left; margin-top: 6px; font: inherit; padding: 5px 8px; cursor: pointer;
                     border: 1px solid #1a7f37; color: #1a7f37; background: #f0fff4; border-radius: 6px; }
      .card .note { color: #59636e; font-size: 12px; margin-top: 6px; }`;
    layer = document.createElement("div");
    overlay.append(style, layer);
    // Outside <body>: the page's content (and an iframe editor's editable body) stays as it was.
    document.documentElement.append(host);
    return overlay;
  }

  function drawAll(): void {
    if (!layer && states.size === 0) return;
    ensureOverlay();
    layer!.replaceChildren();
    hits = [];
    for (const [ed, st] of states) {
      if (!ed.isConnected) {
        states.delete(ed);
        continue;
      }
      if (st.text === null) continue;
      st.findings.forEach((f, index) => {
        const rects = findingRects(ed, f);
        if (rects.length === 0) return;
        hits.push({ editor: ed, index, rects });
        for (const r of rects) {
          const u = document.createElement("div");
          u.className = `u ${f.severity}`;
          u.dataset.rule = f.rule;
          u.dataset.text = st.text!.slice(f.utf16_range[0], f.utf16_range[1]);
          u.dataset.start = String(f.utf16_range[0]);
          Object.assign(u.style, { left: `${r.left}px`, top: `${r.bottom - 1}px`, width: `${r.width}px` });
          layer!.append(u);
        }
      });
    }
  }

  function hideCard(): void {
    card?.remove();
    card = null;
  }

  function showCard(ed: Editor, index: number, at: DOMRect): void {
    const st = states.get(ed);
    const f = st?.findings[index];
    if (!st || !f || st.text === null) return;
    hideCard();
    const root = ensureOverlay();
    const snapshot = st.text;
    card = document.createElement("div");
    card.className = "card";
    card.dataset.rule = f.rule;
    const msg = document.createElement("div");
    msg.textContent = f.message;
    card.append(msg);
    f.fixes.forEach((fix, j) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = fix.replacement || `Remove “${snapshot.slice(fix.utf16_range[0], fix.utf16_range[1])}”`;
      b.title = fix.title;
      b.addEventListener("mousedown", (ev) => ev.preventDefault());
      b.addEventListener("click", (ev) => {
        ev.stopPropagation();
        applyFix(ed, snapshot, f, j);
      });
      card!.append(b);
    });
    if (f.fixes.length === 0) {
      const note = document.createElement("div");
      note.className = "note";
      note.textContent = "No automatic rewrite: reword this yourself.";
      card.append(note);
    }
    const rule = document.createElement("div");
    rule.className = "rule";
    rule.textContent = `${f.rule} · tactful`;
    card.append(rule);
    Object.assign(card.style, { left: `${Math.max(4, Math.min(at.left, innerWidth - 370))}px`, top: `${at.bottom + 6}px` });
    root.append(card);
  }

  // ---- checking -------------------------------------------------------------------------

  function stateOf(ed: Editor): EditorState {
    let st = states.get(ed);
    if (!st) {
      st = { text: null, findings: [], seq: 0 };
      states.set(ed, st);
    }
    return st;
  }

  /** An edit: what was drawn no longer applies; check again once typing pauses. */
  function edited(ed: Editor): void {
    const st = stateOf(ed);
    st.seq++;
    st.text = null;
    st.findings = [];
    hideCard();
    drawAll();
    window.clearTimeout(st.timer);
    st.timer = window.setTimeout(() => void check(ed), DEBOUNCE_MS);
  }

  async function check(ed: Editor): Promise<void> {
    if (!site) return;
    const st = stateOf(ed);
    const seq = ++st.seq;
    const text = textOf(ed);
    if (text.trim() === "") {
      st.text = text;
      st.findings = [];
      drawAll();
      return;
    }
    let answer: { ok: boolean; file?: { diagnostics: TactfulFinding[] }; error?: string };
    try {
      answer = await chrome.runtime.sendMessage({ type: "check", text, kind: site.kind });
    } catch (e) {
      answer = { ok: false, error: String(e) };
    }
    // Stale: the editor changed (or another check started) while this one was in flight.
    if (seq !== st.seq || !ed.isConnected) return;
    if (textOf(ed) !== text) {
      // Changed without an input event (a framework re-render): check the new text.
      edited(ed);
      return;
    }
    const host = ensureOverlay().host as HTMLElement;
    if (!answer?.ok || !answer.file) {
      host.dataset.error = answer?.error ?? "no answer from the service worker";
      return;
    }
    delete host.dataset.error;
    st.text = text;
    st.findings = answer.file.diagnostics.filter((d) => d.utf16_range[1] > d.utf16_range[0] && d.utf16_range[1] <= text.length);
    drawAll();
  }

  function placeholders(s: string): string {
    return (s.match(PLACEHOLDER) ?? []).join("\u0000");
  }

  /** Writes one fix, only into the text it was computed for. */
  function applyFix(ed: Editor, snapshot: string, f: TactfulFinding, fixIndex: number): void {
    hideCard();
    const fix = f.fixes[fixIndex];
    const current = textOf(ed);
    if (!fix || current !== snapshot) {
      edited(ed); // the page changed under the card: re-check rather than misplace the fix
      return;
    }
    const [s, e] = fix.utf16_range;
    if (placeholders(current.slice(s, e)) !== placeholders(fix.replacement)) return;
    const expected = current.slice(0, s) + fix.replacement + current.slice(e);
    if (ed instanceof HTMLTextAreaElement) {
      ed.focus();
      ed.setSelectionRange(s, e);
      const ok = document.execCommand("insertText", false, fix.replacement);
      if (!ok || ed.value !== expected) {
        // Fallback: the native setter, then the input event frameworks listen to.
        Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")?.set?.call(ed, expected);
        ed.setSelectionRange(s + fix.replacement.length, s + fix.replacement.length);
        ed.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText", data: fix.replacement }));
      }
      return;
    }
    const r = domRange(ed, s, e);
    if (!r || r.atomic) return;
    ed.focus();
    const sel = ed.ownerDocument.getSelection();
    if (!sel) return;
    sel.removeAllRanges();
    sel.addRange(r.range);
    if (!ed.ownerDocument.execCommand("insertText", false, fix.replacement)) {
      const ev = new InputEvent("beforeinput", { bubbles: true, cancelable: true, inputType: "insertReplacementText", data: fix.replacement });
      if (ed.dispatchEvent(ev)) {
        r.range.deleteContents();
        r.range.insertNode(ed.ownerDocument.createTextNode(fix.replacement));
        ed.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText", data: fix.replacement }));
      }
    }
  }

  // ---- wiring ---------------------------------------------------------------------------

  function hitAt(x: number, y: number): { editor: Editor; index: number; rect: DOMRect } | null {
    for (const h of hits) {
      for (const r of h.rects) {
        if (x >= r.left && x <= r.right && y >= r.top - 2 && y <= r.bottom + 2) return { editor: h.editor, index: h.index, rect: r };
      }
    }
    return null;
  }

  let started = false;

  function start(): void {
    if (started) return;
    started = true;
    document.addEventListener("input", (ev) => {
      const ed = editorOf(ev.target);
      if (ed) edited(ed);
    }, true);
    document.addEventListener("focusin", (ev) => {
      const ed = editorOf(ev.target);
      if (ed && !states.has(ed)) void check(ed);
    }, true);
    document.addEventListener("click", (ev) => {
      if (card && ev.composedPath().includes(card)) return;
      const hit = hitAt(ev.clientX, ev.clientY);
      if (hit) showCard(hit.editor, hit.index, hit.rect);
      else hideCard();
    }, true);
    document.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") hideCard();
    }, true);
    const redraw = (): void => {
      hideCard();
      drawAll();
    };
    window.addEventListener("scroll", redraw, true);
    window.addEventListener("resize", redraw);
    document.documentElement.dataset.tactful = "on";
    const active = editorOf(document.activeElement);
    if (active) void check(active);
  }

  void tactfulLoadSettings().then((settings) => {
    const [host, port] = pageHostPort();
    site = tactfulSiteFor(settings, host, port);
    if (site) start();
  });
  chrome.storage.onChanged.addListener(() => {
    void tactfulLoadSettings().then((settings) => {
      const [host, port] = pageHostPort();
      const was = site;
      site = tactfulSiteFor(settings, host, port);
      if (site && !was) start();
      if (!site) {
        states.clear();
        hideCard();
        layer?.replaceChildren();
      }
    });
  });
})();
