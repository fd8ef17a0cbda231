// JSON-RPC 2.0 server (one message per line on stdin/stdout) forwarding the CLI's calls to the wasm engine.

import fs from 'node:fs'
import readline from 'node:readline'
import { MigrationAwarePgFactory, dropShadowDatabase, loadDriverAdapterUtils, pendingShadowDatabases } from './adapter.mjs'
import { debug, logLine } from './log.mjs'
import { createDatabase, pgConfigFromUrl } from './pg.mjs'
import { engineCommitHash, loadWasmRuntime, withMigrationsSchemaCached } from './wasm.mjs'

function isWasmPanic(error) {
  return error?.name === 'RuntimeError' || error instanceof WebAssembly.RuntimeError
}

function rpcError(error) {
  if (isWasmPanic(error)) {
    return {
      code: 4466,
      message: 'An error happened. Check the data field for details.',
      data: { is_panic: true, message: String(error.message), backtrace: error.stack ?? null, error_code: null },
    }
  }
  const message = typeof error?.message === 'string' ? error.message : String(error)
  const data = { is_panic: false, message, meta: error?.meta ?? null }
  if (typeof error?.code === 'string' && /^P\d{4}$/.test(error.code)) data.error_code = error.code
  return { code: 4466, message: 'An error happened. Check the data field for details.', data }
}

export async function runRpcServer(args) {
  const datamodels = args.datamodels.map((file) => [file, fs.readFileSync(file, 'utf8')])
  const factory = new MigrationAwarePgFactory(args.datasource)
  const { bindMigrationAwareSqlAdapterFactory } = await loadDriverAdapterUtils()
  const adapter = bindMigrationAwareSqlAdapterFactory(factory)

  const write = (message) => process.stdout.write(JSON.stringify(message) + '\n')
  logLine('INFO', 'Starting schema engine RPC server (WebAssembly stand-in)', { git_hash: engineCommitHash() }, 'schema_engine::rpc')

  let engine
  const getEngine = async () => {
    if (!engine) {
      const runtime = await loadWasmRuntime()
      engine = await runtime.SchemaEngine.new(
        { datamodels: datamodels.length > 0 ? datamodels : undefined },
        (log) => debug(typeof log === 'string' ? log : JSON.stringify(log)),
        adapter,
      )
    }
    return engine
  }

  // Requests from this side to the CLI ("print") and their acknowledgements.
  let nextOutgoingId = 1
  const awaitingAck = new Map()
  const requestCli = (method, params) =>
    new Promise((resolve) => {
      const id = nextOutgoingId++
      awaitingAck.set(id, resolve)
      write({ jsonrpc: '2.0', id, method, params })
    })

  const methods = {
    applyMigrations: (e, p) => e.applyMigrations(p),
    createMigration: (e, p) => withMigrationsSchemaCached(e, p, () => e.createMigration(p)),
    dbExecute: async (e, p) => {
      await e.dbExecute(p)
      return null
    },
    debugPanic: (e) => e.debugPanic(),
    devDiagnostic: (e, p) => e.devDiagnostic(p),
    diagnoseMigrationHistory: (e, p) => e.diagnoseMigrationHistory(p),
    ensureConnectionValidity: async (e, p) => (await e.ensureConnectionValidity(p)) ?? {},
    evaluateDataLoss: (e, p) => withMigrationsSchemaCached(e, p, () => e.evaluateDataLoss(p)),
    introspect: (e, p) => e.introspect(p),
    introspectSql: (e, p) => e.introspectSql(p),
    markMigrationApplied: async (e, p) => (await e.markMigrationApplied(p)) ?? {},
    markMigrationRolledBack: async (e, p) => (await e.markMigrationRolledBack(p)) ?? {},
    reset: async (e, p) => {
      await e.reset(p)
      return null
    },
    schemaPush: (e, p) => e.schemaPush(p),
    getDatabaseVersion: (e, p) => e.version(p ?? undefined),
    // The native engine sends diff output to the CLI as a separate "print" request, then answers.
    diff: async (e, p) => {
      const { stdout, ...rest } = await e.diff(p)
      if (stdout) await requestCli('print', { content: stdout })
      return { ...rest, stdout: null }
    },
  }
  const withoutEngine = {
    createDatabase: async (p) => {
      const url = p?.datasource?.url ?? p?.datasource?.ConnectionString?.url ?? args.datasource?.url
      const { config } = pgConfigFromUrl(url)
      await createDatabase(config)
      return { databaseName: config.database }
    },
  }

  const handle = async (request) => {
    const { id, method, params } = request
    try {
      let result
      if (withoutEngine[method]) result = await withoutEngine[method](params)
      else if (methods[method]) result = await methods[method](await getEngine(), params)
      else {
        write({ jsonrpc: '2.0', id, error: { code: -32601, message: `Method not found: ${method} (not supported by the WebAssembly schema engine stand-in)` } })
        return
      }
      write({ jsonrpc: '2.0', id, result: result === undefined ? null : result })
    } catch (error) {
      debug(`${method} failed: ${error?.stack ?? error}`)
      write({ jsonrpc: '2.0', id, error: rpcError(error) })
    }
  }

  // Requests are handled one at a time, in order, like the native engine's single connection.
  let queue = Promise.resolve()
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (!line.trim()) return
    let message
    try {
      message = JSON.parse(line)
    } catch {
      write({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } })
      return
    }
    if (message.method === undefined && message.id !== undefined && awaitingAck.has(message.id)) {
      awaitingAck.get(message.id)(message.result)
      awaitingAck.delete(message.id)
      return
    }
    if (typeof message.method !== 'string') return
    debug(`rpc request: ${message.method}`)
    queue = queue.then(() => handle(message))
  })
  rl.on('close', () => {
    queue.then(() => shutdown(0))
  })

  const shutdown = async (code) => {
    try {
      engine?.free()
    } catch {}
    for (const [name, config] of pendingShadowDatabases) {
      await dropShadowDatabase(config, name).catch((e) => logLine('WARN', `could not drop shadow database ${name}: ${e.message}`))
    }
    process.exit(code)
  }
  process.on('SIGTERM', () => queue.then(() => shutdown(0)))
  process.on('SIGINT', () => queue.then(() => shutdown(130)))
}
