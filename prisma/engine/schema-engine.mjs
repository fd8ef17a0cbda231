#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary (see ./README.md).
//
// The Prisma CLI spawns the file named by PRISMA_SCHEMA_ENGINE_BINARY in two ways:
//   1. RPC server:  schema-engine [--datamodels <file>]... [--datasource <json>] [--enabled-preview-features a,b]
//      JSON-RPC 2.0, one message per line on stdin/stdout, logs as JSON lines on stderr.
//   2. One-shot:    schema-engine --datasource <json> cli <can-connect-to-database|create-database|drop-database>
//   and `schema-engine --version` for `prisma --version`.
// Every RPC call is forwarded to the WebAssembly build of the same schema engine
// (prisma's own build/schema_engine_bg.wasm + the @prisma/schema-engine-wasm JS glue), which talks to
// PostgreSQL through @prisma/adapter-pg. The one-shot commands are answered with plain `pg`.
//
// Plain Node ESM, no build step. Keep it dependency-light: prisma, @prisma/schema-engine-wasm,
// @prisma/adapter-pg, @prisma/driver-adapter-utils (a dependency of the adapter) and pg.
// The parts: log.mjs, pg.mjs (connection settings, pg fixes), adapter.mjs (driver adapter, shadow databases),
// wasm.mjs (loading the engine), rpc-server.mjs and cli.mjs.

import { runCli } from './cli.mjs'
import { logLine } from './log.mjs'
import { runRpcServer } from './rpc-server.mjs'
import { engineCommitHash } from './wasm.mjs'

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, previewFeatures: [], cli: undefined, version: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`)
      return argv[++i]
    }
    if (a === '--datamodels' || a === '-d') out.datamodels.push(value())
    else if (a === '--datasource') out.datasource = JSON.parse(value())
    else if (a === '--enabled-preview-features') out.previewFeatures = value().split(',').filter(Boolean)
    else if (a === '--extension-types') value() // PostgreSQL extension types (preview): not supported by the wasm engine API
    else if (a === '--version' || a === '-V') out.version = true
    else if (a === '--help' || a === '-h') out.help = true
    else if (a === 'cli') {
      out.cli = argv[i + 1]
      i = argv.length
    } else throw new Error(`unknown argument: ${a}`)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

async function main() {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`schema-engine (wasm stand-in): ${error.message}\n`)
    process.exit(1)
  }
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${engineCommitHash()}\n`)
    return
  }
  if (args.help) {
    process.stdout.write(
      'schema-engine (WebAssembly stand-in, see prisma/engine/README.md)\n' +
        'Usage: schema-engine [--datamodels <file>]... [--datasource <json>] [cli <can-connect-to-database|create-database|drop-database>]\n',
    )
    return
  }
  if (args.cli) return runCli(args)
  return runRpcServer(args)
}

main().catch((error) => {
  logLine('ERROR', error?.stack ?? String(error), { is_panic: false }, 'schema_engine::logger')
  process.exit(1)
})
