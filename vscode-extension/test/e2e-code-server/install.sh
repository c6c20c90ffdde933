#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the newest release whose engines accept Node 20) and
# puppeteer-core 24 (the newest on Node 20) into a cache directory outside the repository, once.
# Prints the cache directory on success; exits 3 when code-server cannot be installed here.
# The recipe and its pitfalls: ../shared/reference/tooling-notes.md §10.1.
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
PUPPETEER_VERSION=24
CACHE="${WITX_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/witx-lsp-e2e}"
DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ -x "$DIR/node_modules/.bin/code-server" ] && [ -d "$DIR/node_modules/puppeteer-core" ]; then
    echo "$DIR"; exit 0
fi
log() { echo "install.sh: $*" >&2; }
mkdir -p "$DIR"
# The native module `kerberos` needs the Kerberos headers.
if ! [ -e /usr/include/krb5.h ] && ! [ -e /usr/include/gssapi/gssapi.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "apt-get install libkrb5-dev"
        (apt-get install -y -qq libkrb5-dev >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libkrb5-dev >/dev/null; }) \
            || { log "libkrb5-dev cannot be installed"; exit 3; }
    else
        log "libkrb5-dev is missing and cannot be installed here"; exit 3
    fi
fi
# @vscode/ripgrep downloads rg from GitHub unless its cache already holds the archive: fill it with Debian's rg.
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
RG_ARCHIVE="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if ! [ -f "$RG_ARCHIVE" ]; then
    if ! command -v rg >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "apt-get install ripgrep"
        apt-get install -y -qq ripgrep >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null; } || true
    fi
    if command -v rg >/dev/null; then
        mkdir -p "$RG_CACHE"
        tar czf "$RG_ARCHIVE.tmp" -C "$(dirname "$(command -v rg)")" rg && mv "$RG_ARCHIVE.tmp" "$RG_ARCHIVE"
    fi
fi
log "npm install code-server@$CODE_SERVER_VERSION puppeteer-core@$PUPPETEER_VERSION into $DIR (about a minute)"
# --unsafe-perm: the postinstall must run as root too; npm_config_yes: node-pty runs `npx node-gyp`.
[ -f "$DIR/package.json" ] || echo '{"private":true}' >"$DIR/package.json"
if ! npm_config_yes=true PUPPETEER_SKIP_DOWNLOAD=1 timeout 900 npm install --prefix "$DIR" --unsafe-perm --no-audit --no-fund \
        --loglevel=error "code-server@$CODE_SERVER_VERSION" "puppeteer-core@$PUPPETEER_VERSION" >"$CACHE/install.log" 2>&1; then
    tail -n 30 "$CACHE/install.log" >&2
    log "code-server cannot be installed (log: $CACHE/install.log)"
    exit 3
fi
[ -x "$DIR/node_modules/.bin/code-server" ] || { log "code-server did not install"; exit 3; }
echo "$DIR"
