// tactful extension settings, shared by the service worker, the content script and the
// options page (loaded before each of them): where the local service runs, which sites
// the extension works on, and the document kind per site. Stored in chrome.storage.local.

type TactfulKind = "reply" | "kb" | "internal-note";

interface TactfulSite {
  /** `help.example.com`, `*.example.com` (any subdomain, and the domain), or `host:port`. */
  host: string;
  kind: TactfulKind;
}

interface TactfulSettings {
  serverUrl: string;
  sites: TactfulSite[];
}

const TACTFUL_DEFAULTS: TactfulSettings = { serverUrl: "http://127.0.0.1:7383", sites: [] };
const TACTFUL_KINDS: TactfulKind[] = ["reply", "kb", "internal-note"];

/** The site entry that allows `host` (`port` when the page has one), if any. */
function tactfulSiteFor(settings: TactfulSettings, host: string, port: string): TactfulSite | undefined {
  const h = host.toLowerCase();
  return settings.sites.find((s) => {
    const p = s.host.toLowerCase();
    if (p.includes(":") && !p.startsWith("[")) return p === `${h}:${port}`;
    if (p.startsWith("*.")) return h === p.slice(2) || h.endsWith(p.slice(1));
    return h === p;
  });
}

/** Only a service on this machine may be used: nothing leaves it. */
function tactfulServerUrlError(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `not a URL: ${url}`;
  }
  if (u.protocol !== "http:") return "use http:// (the service runs on this machine)";
  if (!["127.0.0.1", "localhost", "[::1]"].includes(u.hostname)) {
    return "the server must run on this machine (127.0.0.1, localhost or [::1]): nothing leaves it";
  }
  return null;
}

/** Parses the options page's sites list: one `host [kind]` per line, `#` comments. */
function tactfulParseSites(text: string): { sites: TactfulSite[]; errors: string[] } {
  const sites: TactfulSite[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const [host, kind = "reply", ...rest] = line.split(/\s+/);
    if (rest.length > 0 || !TACTFUL_KINDS.includes(kind as TactfulKind) || !/^(\*\.)?[a-z0-9.\-[\]:]+$/i.test(host)) {
      errors.push(`line ${i + 1}: "${raw.trim()}" — expected "host [reply|kb|internal-note]"`);
      return;
    }
    sites.push({ host, kind: kind as TactfulKind });
  });
  return { sites, errors };
}

async function tactfulLoadSettings(): Promise<TactfulSettings> {
  const got = await chrome.storage.local.get(["serverUrl", "sites"]);
  return {
    serverUrl: typeof got.serverUrl === "string" ? got.serverUrl : TACTFUL_DEFAULTS.serverUrl,
    sites: Array.isArray(got.sites) ? (got.sites as TactfulSite[]) : TACTFUL_DEFAULTS.sites,
  };
}
