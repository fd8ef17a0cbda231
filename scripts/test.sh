#!/usr/bin/env bash
# Every test: lint, typecheck, unit, integration (real PostgreSQL and Redis), end-to-end (Chromium).
# Exits non-zero on the first failure. Needs PostgreSQL and Redis reachable (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s ===\n' "$1"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
PRISMA_MIGRATE_WASM=1 node_modules/.bin/prisma generate >/dev/null

step "lint";        node_modules/.bin/eslint . --max-warnings 0
step "typecheck";   node_modules/.bin/tsc --noEmit -p .
step "unit";        node_modules/.bin/vitest run --project unit
step "integration"; node_modules/.bin/vitest run --project integration
step "build";       NEXT_TELEMETRY_DISABLED=1 node_modules/.bin/next build
step "end-to-end";  node_modules/.bin/playwright test
