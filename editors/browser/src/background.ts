// tactful extension service worker: the only part that talks to the local service.
// Content scripts send {type: "check", text, kind}; the answer is the file object of
// POST /api/v1/check, or an error message. Requests go to the configured loopback URL only.

declare function importScripts(...urls: string[]): void;
importScripts("settings.js");

interface CheckAnswer {
  ok: boolean;
  file?: unknown;
  error?: string;
}

(() => {
  async function check(text: string, kind: string): Promise<CheckAnswer> {
    const settings = await tactfulLoadSettings();
    const bad = tactfulServerUrlError(settings.serverUrl);
    if (bad) return { ok: false, error: bad };
    const url = settings.serverUrl.replace(/\/+$/, "") + "/api/v1/check";
    try {
      const resp = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text, kind, format: "text" }),
      });
      const body = await resp.json();
      if (!resp.ok) return { ok: false, error: body?.error?.message ?? `HTTP ${resp.status}` };
      return { ok: true, file: body.files[0] };
    } catch (e) {
      return { ok: false, error: `cannot reach tactful serve at ${settings.serverUrl} (${String(e)}); start it with \`tactful serve\`` };
    }
  }

  chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
    if (msg && msg.type === "check" && typeof msg.text === "string") {
      void check(msg.text, String(msg.kind ?? "reply")).then(sendResponse);
      return true; // answer asynchronously
    }
    return false;
  });

  chrome.action.onClicked.addListener(() => void chrome.runtime.openOptionsPage());
})();
