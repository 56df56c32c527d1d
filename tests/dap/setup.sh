#!/usr/bin/env bash
# Installs the DAP tests' npm packages from package-lock.json (npm ci), quietly, once: skipped
# while node_modules matches the lock file. Uses npm's cache first, so it works offline once
# the packages have been fetched.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.godbg-lock-stamp
if [ -f "$stamp" ] && cmp -s "$stamp" package-lock.json; then exit 0; fi
npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
# The protocol's schemas, made once from @vscode/debugprotocol's types (lib/schema.js).
node -e 'require("./lib/schema").warm()'
cp package-lock.json "$stamp"
