// tactful extension options page: server URL and the allowed sites with their kind.

(() => {
  const serverUrl = document.getElementById("serverUrl") as HTMLInputElement;
  const sites = document.getElementById("sites") as HTMLTextAreaElement;
  const status = document.getElementById("status") as HTMLDivElement;
  const save = document.getElementById("save") as HTMLButtonElement;

  function say(text: string, kind: "ok" | "error"): void {
    status.textContent = text;
    status.className = kind;
  }

  void tactfulLoadSettings().then((s) => {
    serverUrl.value = s.serverUrl;
    sites.value = s.sites.map((x) => `${x.host} ${x.kind}`).join("\n");
    document.body.dataset.loaded = "true";
  });

  save.addEventListener("click", () => {
    const url = serverUrl.value.trim() || TACTFUL_DEFAULTS.serverUrl;
    const bad = tactfulServerUrlError(url);
    if (bad) {
      say(`Server URL: ${bad}`, "error");
      return;
    }
    const parsed = tactfulParseSites(sites.value);
    if (parsed.errors.length > 0) {
      say(parsed.errors.join("; "), "error");
      return;
    }
    void chrome.storage.local.set({ serverUrl: url, sites: parsed.sites }).then(() =>
      say(`Saved: ${parsed.sites.length} site${parsed.sites.length === 1 ? "" : "s"}.`, "ok"),
    );
  });
})();
