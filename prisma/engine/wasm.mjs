// The WebAssembly build of Prisma's schema engine, loaded by hand (Node 20 cannot import .wasm).

import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { debug } from './log.mjs'

const require = createRequire(import.meta.url)

function wasmPath() {
  const prismaDir = path.dirname(require.resolve('prisma/package.json'))
  return path.join(prismaDir, 'build', 'schema_engine_bg.wasm')
}

let wasmRuntime
export async function loadWasmRuntime() {
  if (wasmRuntime) return wasmRuntime
  // Node 20 cannot `import` a .wasm file: compile and instantiate it by hand, with the wasm-bindgen glue
  // (`--target bundler` output) as its import object.
  const runtime = await import(pathToFileURL(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')).href)
  const wasmModule = new WebAssembly.Module(fs.readFileSync(wasmPath()))
  const missing = WebAssembly.Module.imports(wasmModule).filter(
    (imp) => imp.module !== './schema_engine_bg.js' || typeof runtime[imp.name] !== 'function',
  )
  if (missing.length > 0) {
    throw new Error(
      `prisma's schema_engine_bg.wasm does not match the installed @prisma/schema-engine-wasm glue ` +
        `(missing: ${missing.map((m) => m.name).join(', ')}). Re-pin @prisma/schema-engine-wasm to the engines of the installed prisma.`,
    )
  }
  const instance = new WebAssembly.Instance(wasmModule, { './schema_engine_bg.js': runtime })
  runtime.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  wasmRuntime = runtime
  return runtime
}

/** Engine commit hash, as embedded in the wasm (`prisma --version` shows it). */
export function engineCommitHash() {
  const bytes = fs.readFileSync(wasmPath())
  const marker = Buffer.from('Starting schema-engine-wasm')
  const at = bytes.indexOf(marker)
  if (at >= 0) {
    const hash = bytes.subarray(at + marker.length, at + marker.length + 40).toString('latin1')
    if (/^[0-9a-f]{40}$/.test(hash)) return hash
  }
  try {
    return require('@prisma/engines-version/package.json').prisma.enginesVersion
  } catch {
    return 'unknown'
  }
}

/**
 * In the wasm engine, `evaluateDataLoss` and `createMigration` compute the schema of the migrations
 * history only through a per-engine cache; on a cache miss they do not use the adapter's shadow
 * database and fail ("PostgreSQL shadow DB must be provided through an external factory").
 * `diagnoseMigrationHistory` (with the shadow database) fills that cache for the migrations that are
 * applied to the database. `migrate dev` always applies pending migrations before it calls these two,
 * so after that warm-up the cache holds exactly the list they ask for: warm it and retry once.
 */
export async function withMigrationsSchemaCached(engine, params, call) {
  try {
    return await call()
  } catch (error) {
    if (!/shadow DB must be provided through an external factory/.test(String(error?.message))) throw error
    debug('migrations schema cache miss: warming it through diagnoseMigrationHistory')
    await engine.diagnoseMigrationHistory({
      migrationsList: params.migrationsList,
      optInToShadowDatabase: true,
      filters: params.filters,
    })
    return call()
  }
}
