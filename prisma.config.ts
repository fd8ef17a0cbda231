import { fileURLToPath } from "node:url";

import { defineConfig } from "prisma/config";

// Offline machines and CI set PRISMA_MIGRATE_WASM=1: the Prisma CLI then runs the schema engine
// stand-in (WebAssembly engine + @prisma/adapter-pg) instead of downloading the native binary.
// The CLI reads this file before it looks for an engine. See prisma/engine/README.md.
if (process.env.PRISMA_MIGRATE_WASM === "1" && !process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(
    new URL("./prisma/engine/schema-engine.mjs", import.meta.url),
  );
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    // Not env("DATABASE_URL"): that throws when the variable is unset, and `prisma generate`
    // must work without a database. Commands that need one report the empty URL themselves.
    url: process.env.DATABASE_URL ?? "",
    ...(process.env.SHADOW_DATABASE_URL ? { shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL } : {}),
  },
});
