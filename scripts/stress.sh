#!/usr/bin/env bash
# Runs a few hundred hostile cases through the tactful CLI and counts crashes
# (signal, panic, exit code other than 0/1/2), hangs (no exit within the
# timeout) and corruptions (a fix that alters a placeholder, breaks JSON,
# writes outside the tree or replaces a link). Prints one line per failure
# and the totals; exits 1 when any count is not zero.
#   scripts/stress.sh                 (needs `cargo build --release`)
# Env: TACTFUL_BIN (default target/release/tactful), STRESS_TIMEOUT (seconds, default 60),
#      STRESS_SCALE (multiplies the input sizes, default 1), STRESS_SEED (random
#      seed, default 10), STRESS_FIX_CASES (random `fix --write` documents, default
#      120). A corruption names the folder that holds the case, to reproduce it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TACTFUL_BIN=${TACTFUL_BIN:-$ROOT/target/release/tactful}
export STRESS_TIMEOUT=${STRESS_TIMEOUT:-60}
export STRESS_SCALE=${STRESS_SCALE:-1}
export STRESS_SEED=${STRESS_SEED:-10}
export STRESS_FIX_CASES=${STRESS_FIX_CASES:-120}
[ -x "$TACTFUL_BIN" ] || { echo "no binary at $TACTFUL_BIN (cargo build --release)" >&2; exit 2; }
exec python3 - <<'PY'
import json, os, random, re, subprocess, sys, tempfile, time

BIN = os.environ["TACTFUL_BIN"]
TIMEOUT = float(os.environ["STRESS_TIMEOUT"])
SCALE = float(os.environ["STRESS_SCALE"])
SEED = int(os.environ["STRESS_SEED"])
FIX_CASES = int(os.environ["STRESS_FIX_CASES"])
rng = random.Random(SEED)
counts = {"cases": 0, "crashes": 0, "hangs": 0, "corruptions": 0}
slowest = (0.0, "")

def run(args, cwd, stdin=None):
    """Runs the binary; returns (code, stdout, stderr) or None on a hang."""
    global slowest
    t = time.monotonic()
    try:
        p = subprocess.run([BIN] + args, cwd=cwd, input=stdin, capture_output=True,
                           timeout=TIMEOUT, env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired:
        return None
    el = time.monotonic() - t
    if el > slowest[0]:
        slowest = (el, " ".join(args))
    return p.returncode, p.stdout, p.stderr

def case(name, args, cwd, stdin=None, verify=None):
    """Runs one case in `cwd` and counts it."""
    counts["cases"] += 1
    r = run(args, cwd, stdin)
    if r is None:
        counts["hangs"] += 1
        print(f"HANG   {name}: tactful {' '.join(args)}")
        return
    code, out, err = r
    if code not in (0, 1, 2) or b"panicked" in err or b"internal error" in err or b"stack overflow" in err:
        counts["crashes"] += 1
        print(f"CRASH  {name}: exit {code}: {err[-300:].decode('utf-8', 'replace')}")
        return
    if verify:
        why = verify(code, out, err)
        if why:
            counts["corruptions"] += 1
            print(f"CORRUPT {name}: {why} (in {cwd})")

def project(pattern=None, pack_text=None):
    d = tempfile.mkdtemp(prefix="stress-")
    if pattern is not None:
        esc = pattern.replace("\\", "\\\\").replace('"', '\\"')
        pack_text = (f'[[rule]]\nid = "house.x"\ncategory = "minimizing"\nmessage = "m"\n'
                     f'why = "w"\nmatch = ["{esc}"]\n')
    if pack_text is not None:
        open(os.path.join(d, "house.toml"), "w").write(pack_text)
        open(os.path.join(d, "tactful.toml"), "w").write('packs = ["house.toml"]\n')
    return d

def write(d, name, text):
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(text)
    return name

def sz(n):
    return max(1, int(n * SCALE))

PHRASES = ["you simply need to restart the app", "unfortunately we can not do that",
           "obviously you failed to read the email", "per my last email", "we value your business",
           "Just reset your password!!", "PLEASE DO NOT REPLY", "I am sorry for any inconvenience",
           "it is company policy", "calm down", "as I already said", "no worries"]
PLACEHOLDERS = ["{{ customer.name }}", "{{{ raw }}}", "{% if x %}", "{% endif %}", "%{ticket}", "{{ agent }}"]
WEIRD = ["\u00e9", "\u4e2d\u6587", "\U0001F600", "\u200b", "\u202e", "\x1b[31m", "\t", "\\n", "&amp;", "\"", "'"]

def prose(n_sentences, placeholders=True):
    out = []
    for _ in range(n_sentences):
        words = rng.choice(PHRASES).split()
        if placeholders and rng.random() < 0.4:
            words.insert(rng.randrange(len(words) + 1), rng.choice(PLACEHOLDERS))
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), rng.choice(WEIRD))
        out.append(" ".join(words) + rng.choice([".", "!", "?", ",", ""]))
    return " ".join(out)

# ---- 1/2/4: hostile patterns ----
for depth in [17, 100, 1000, 10000, 50000]:
    d = project("(" * depth + "a" + ")" * depth)
    case(f"nested groups {depth}", ["check", write(d, "t.txt", "a a a\n")], d)
for n in [2, 10, 1000, 100000]:
    d = project("a" + "?" * n)
    case(f"{n} question marks", ["check", write(d, "t.txt", "a a a\n")], d)
for n in range(10, 70, 4):
    d = project(" ".join(["w?"] * n) + " zz")
    case(f"{n} optional words", ["check", write(d, "t.txt", " ".join(["w"] * (n + 5)) + " z.\n")], d)
for n in range(2, 20):
    d = project("start " + " ".join(["{..8}"] * n) + " zz")
    case(f"{n} gaps", ["check", write(d, "t.txt", "start " + " ".join(["w"] * (9 * n)) + " z.\n")], d)
for n in range(5, 40, 3):
    d = project("start " + " ".join(["(a|a a|a a a)?"] * n) + " zz")
    case(f"{n} ambiguous groups", ["check", write(d, "t.txt", "start " + " ".join(["a"] * (4 * n)) + " z.\n")], d)
for n in [100, 1000, 10000, 30000]:
    words = [f"w{i}" for i in range(n)]
    d = project(" ".join(words))
    case(f"{n}-word pattern", ["check", write(d, "t.txt", " ".join(words) + ".\n")], d)
for n in [100, 5000]:
    d = project("(" + "|".join(f"x{i} y{i}" for i in range(n)) + ") zz")
    case(f"{n} alternatives", ["check", write(d, "t.txt", "x7 y7 zz.\n")], d)
for junk in ["((a", "a))", "{..0} a", "{..99} a", "a ^", "$ a", "{", "}", "a|", "|", "()", "(|)", "{x:}", "?", "??", "\u0000",
             "a\nb", "{ph}", "* * *", "a " * 5000 + "{", "{..8}" * 5, "((a)?)?" * 50, "(a?)?" * 2]:
    d = project(junk)
    case(f"junk pattern {junk[:20]!r}", ["check", write(d, "t.txt", "a b a.\n")], d)

# ---- 4/10: hostile pack files ----
d = project(pack_text="")
os.remove(os.path.join(d, "house.toml")); os.mkfifo(os.path.join(d, "house.toml"))
case("fifo pack", ["check", write(d, "t.txt", "Hi.\n")], d)
for target in ["/dev/zero", "/dev/urandom", "/", "/proc/self/mem", "/etc/passwd"]:
    d = tempfile.mkdtemp(prefix="stress-")
    write(d, "tactful.toml", f'packs = ["{target}"]\n')
    case(f"pack {target}", ["check", write(d, "t.txt", "Hi.\n")], d,
         verify=lambda c, o, e: "echoed file contents" if b"root:" in e else None)
d = project(pack_text="x" * (6 * 1024 * 1024))
case("6 MB pack", ["check", write(d, "t.txt", "Hi.\n")], d)
d = project(pack_text="\xff\xfe binary")
case("binary pack", ["check", write(d, "t.txt", "Hi.\n")], d)
d = tempfile.mkdtemp(prefix="stress-"); sub = os.path.join(d, "p"); os.mkdir(sub)
write(d, "secret.toml", "TOKEN = hunter2 \"\n"); write(sub, "tactful.toml", 'packs = ["../secret.toml"]\n')
case("relative pack outside the tree", ["check", write(sub, "t.txt", "Hi.\n")], sub,
     verify=lambda c, o, e: "echoed file contents" if b"hunter2" in e else
     (None if c == 2 and b"outside this project's tree" in e else "read a relative pack from outside the tree"))

# ---- 5/6: long and dense inputs in every format ----
unit = "unfortunately you simply need to restart the app and obviously we value your business, "
for mb in [0.25, 1, 3]:
    n = sz(mb * 1024 * 1024)
    body = (unit * (n // len(unit) + 1))[:n]
    for ext, text in [("txt", body), ("md", body), ("html", f"<p>{body}</p>"),
                      ("json", json.dumps({"body": body})), ("yaml", "body: " + json.dumps(body) + "\n")]:
        d = tempfile.mkdtemp(prefix="stress-")
        case(f"{mb} MB one line .{ext}", ["check", "--format", "json", write(d, "t." + ext, text)], d)
        case(f"{mb} MB one line .{ext} (human)", ["check", "t." + ext], d,
             verify=lambda c, o, e, n=n: f"human output {len(o)} bytes for a {n}-byte line" if len(o) > 400 * max(1, o.count(b"\n --> ")) + 10000 else None)
for k in [100_000, 400_000]:
    d = tempfile.mkdtemp(prefix="stress-")
    case(f"{k} \\u escapes", ["check", "--format", "json", write(d, "t.json", '{"body": "' + "\\u0041\\u0020" * sz(k) + ' you simply need to restart"}')], d)
for k in [10_000, 100_000]:
    d = tempfile.mkdtemp(prefix="stress-")
    case(f"{k} directives", ["check", write(d, "t.md", "<!-- tactful-disable-next-line -->\nYou simply need to restart.\n\n" * sz(k))], d)
    case(f"{k} findings in lines", ["check", "--format", "github", write(d, "t.txt", "You simply need to restart.\n" * sz(k))], d)
for depth in [1000, 100000]:
    for ext, text in [("md", ">" * depth + " hi you simply need to restart"), ("md", "".join("  " * i + "- x\n" for i in range(min(depth, 3000)))),
                      ("html", "<div>" * depth + "you simply need to restart"), ("json", "[" * depth + "]" * depth),
                      ("yaml", "".join(" " * i + "a:\n" for i in range(min(depth, 3000)))), ("yaml", "[" * depth)]:
        d = tempfile.mkdtemp(prefix="stress-")
        case(f"nesting {depth} .{ext}", ["check", write(d, "t." + ext, text)], d)

# ---- 9: control characters ----
for i in range(10):
    d = tempfile.mkdtemp(prefix="stress-")
    ctl = "".join(chr(rng.choice([0x1b, 0x07, 0x08, 0x0d, 0x9b, 0x00, 0x7f])) for _ in range(5))
    name = write(d, "t.txt", f"Per my last email, {ctl}[2J you simply need to restart it.{ctl}\n")
    for args in (["check", name], ["fix", "--diff", name]):
        case(f"control chars {i} {args[0]}", args, d,
             verify=lambda c, o, e: "raw control character in terminal output" if re.search(rb"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]|\xc2\x9b", o) else None)

for i, ctl in enumerate(["\x1b[31m", "\x9b31m", "\x07", "\x1b]0;t\x07"]):
    d = project(pack_text='[[rule]]\nid = "house.x"\ncategory = "minimizing"\nmessage = "m"\n'
                          'why = "w"\nmatch = ["just {w} it"]\nfix = ["{w} it"]\n')
    before = f"Please just {ctl}red it now. Please just {ctl} it.\n"
    name = write(d, "t.txt", before)
    def kept(c, o, e, d=d, name=name, before=before):
        ctl = lambda t: [ch for ch in t if not ch.isprintable() and ch != "\n"]
        after = open(os.path.join(d, name), encoding="utf-8", errors="replace").read()
        return None if ctl(after) == ctl(before) else f"a fix dropped a control character: {after!r}"
    case(f"control chars next to a capture {i}", ["fix", "--write", name], d, verify=kept)

# ---- 7/8: fixes keep placeholders and structure; writes stay in the tree ----
PH_RE = re.compile(r"\{\{\{.*?\}\}\}|\{\{.*?\}\}|\{%.*?%\}|%\{.*?\}")
def placeholders(t):
    return sorted(PH_RE.findall(t))
for i in range(FIX_CASES):
    d = tempfile.mkdtemp(prefix="stress-")
    ext = ["txt", "md", "liquid", "json", "html"][i % 5]
    text = prose(rng.randrange(1, 12))
    if ext == "json":
        text = json.dumps({"body": text, "other": prose(2)}, ensure_ascii=rng.random() < 0.5)
    elif ext == "html":
        text = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>\n"
    else:
        text += "\n"
    name = write(d, "t." + ext, text)
    def verify(c, o, e, d=d, name=name, before=text, ext=ext):
        after = open(os.path.join(d, name), encoding="utf-8", errors="replace").read()
        if placeholders(after) != placeholders(before):
            return f"placeholders changed: {placeholders(before)} -> {placeholders(after)}"
        if ext == "json":
            try:
                json.loads(after)
            except ValueError as err:
                return f"JSON no longer parses: {err}"
        again = run(["fix", "--diff", name], d)
        if again is not None and again[1].strip():
            return "fix is not idempotent (a second run changes more)"
        return None
    case(f"fix --write {i} .{ext}", ["fix", "--write", name], d, verify=verify)
for i in range(10):
    root = tempfile.mkdtemp(prefix="stress-"); outside = tempfile.mkdtemp(prefix="stress-out-")
    victim = os.path.join(outside, "victim.txt"); open(victim, "w").write("You simply need to restart it.\n")
    tree = os.path.join(root, "tree"); os.mkdir(tree)
    os.symlink(victim, os.path.join(tree, "link.txt"))
    os.symlink(os.path.join(outside, "ghost.toml"), os.path.join(tree, "tactful.toml"))
    write(tree, "real.txt", "You simply need to restart it.\n")
    os.symlink("real.txt", os.path.join(tree, "inner.txt"))
    os.link(os.path.join(tree, "real.txt"), os.path.join(tree, "hard.txt"))
    def verify(c, o, e, tree=tree, victim=victim, outside=outside):
        if open(victim).read() != "You simply need to restart it.\n":
            return "wrote outside the tree through a symlink"
        if os.path.exists(os.path.join(outside, "ghost.toml")):
            return "created a dangling link's target"
        if not os.path.islink(os.path.join(tree, "inner.txt")):
            return "replaced a symlink with a file"
        if os.stat(os.path.join(tree, "hard.txt")).st_ino != os.stat(os.path.join(tree, "real.txt")).st_ino:
            return "split a hard link"
        if b"applied" in e and c != 0 and b"not written" not in e:
            return "summary claims fixes were applied after a failed write"
        return None
    args = [["fix", "--write", "tree"], ["fix", "--write", "tree/link.txt"], ["init", "--force"],
            ["fix", "--write", "tree/inner.txt"], ["fix", "--write", "tree/hard.txt"]][i % 5]
    cwd = tree if args[0] == "init" else root
    case(f"writes {i} {' '.join(args)}", args, cwd, verify=verify)

print(f"\nseed {SEED}, {FIX_CASES} fix documents: cases {counts['cases']}, crashes {counts['crashes']}, hangs {counts['hangs']}, "
      f"corruptions {counts['corruptions']}; slowest {slowest[0]:.2f}s ({slowest[1][:60]})")
sys.exit(1 if counts["crashes"] or counts["hangs"] or counts["corruptions"] else 0)
PY
