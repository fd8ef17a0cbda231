#!/usr/bin/env bash
# The one command: install what is missing, then prepare the database, migrate, seed, build and
# start web + worker (scripts/start.ts). Re-running keeps the data and the accounts.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi
if [ ! -f lib/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt lib/generated/prisma/client.ts ]; then
  PRISMA_MIGRATE_WASM=1 npx prisma generate >/dev/null
fi
exec node_modules/.bin/tsx scripts/start.ts "$@"
