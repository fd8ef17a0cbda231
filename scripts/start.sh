#!/usr/bin/env bash
# The one command: install what is missing, then prepare the database, migrate, seed, build and
# start web + worker (scripts/start.ts). Re-running keeps the data and the accounts.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "[vigil] $*"; }

# Runs "$@" with its output in the file $2 and says every 15 s that it still runs, so a first start
# never looks hung (npm ci is silent until it is done when not on a terminal).
with_progress() {
  local what=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  local pid=$!
  (
    n=0
    while sleep 15 && kill -0 "$pid" 2>/dev/null; do
      n=$((n + 15))
      say "... still $what (${n} s)"
    done
  ) &
  local rc=0
  wait "$pid" || rc=$?
  return "$rc"
}

# Why npm ci failed, in one sentence, when the cause is this folder's and not npm's.
explain_install_failure() {
  local free_kb
  free_kb=$(df -Pk . 2>/dev/null | awk 'NR == 2 { print $4 }')
  if [ ! -w . ]; then
    say "Vigil cannot write to $PWD: it is read-only or not yours; clone Vigil to a folder you can write to and run npm start there."
  elif grep -q ENOSPC "$1" 2>/dev/null || { [ -n "$free_kb" ] && [ "$free_kb" -lt 1500000 ]; }; then
    say "The disk holding $PWD is full: the dependencies and the build need about 1.5 GB; free some space and run npm start again."
  else
    say "Installing the dependencies failed (npm ci); npm's own words are in $1: fix what it says there and run npm start again."
    return
  fi
  rm -f "$1"
}

if [ ! -w . ]; then
  say "Vigil cannot write to $PWD: it is read-only or not yours; clone Vigil to a folder you can write to and run npm start there."
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "First start: installing the dependencies (npm ci), then building the web app; 1.5 to 5 minutes in all..."
  log=$(mktemp "${TMPDIR:-/tmp}/vigil-npm-ci.XXXXXX")
  if ! with_progress "installing the dependencies" "$log" npm ci --no-audit --no-fund; then
    explain_install_failure "$log"
    exit 1
  fi
  tail -n 1 "$log" | sed 's/^/[vigil] npm: /'
  rm -f "$log"
fi
if [ ! -f lib/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt lib/generated/prisma/client.ts ]; then
  PRISMA_MIGRATE_WASM=1 node_modules/.bin/prisma generate >/dev/null
fi
# Node with tsx's loader, not the tsx command: that one SIGKILLs its child ~30 ms after relaying
# SIGTERM, before web and worker have stopped and the embedded database has shut down.
exec node --import tsx scripts/start.ts "$@"
