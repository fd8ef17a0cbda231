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

import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'

const require = createRequire(import.meta.url)

// ---------------------------------------------------------------------------------------------
// Logging (stderr, JSON lines in the native engine's shape; the CLI parses them)
// ---------------------------------------------------------------------------------------------

function logLine(level, message, extra = {}, target = 'schema_engine::wasm_shim') {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...extra },
    target,
  }
  process.stderr.write(JSON.stringify(line) + '\n')
}

const debugEnabled = /schema|\*/i.test(process.env.DEBUG ?? '') || process.env.PRISMA_MIGRATE_WASM_DEBUG === '1'
function debug(message) {
  if (debugEnabled) logLine('DEBUG', message)
}

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
// PostgreSQL connection parameters
// ---------------------------------------------------------------------------------------------

/**
 * Turns a postgres:// URL into discrete pg settings (host, port, user, password, database, ssl)
 * plus Prisma's own `schema` parameter. Discrete settings matter: with `connectionString` pg ignores
 * a `database` override, which is how a temporary shadow database is selected.
 */
function pgConfigFromUrl(url) {
  if (typeof url !== 'string' || url.length === 0) {
    throw new Error('The datasource URL is empty. Set DATABASE_URL (see prisma.config.ts).')
  }
  const u = new URL(url)
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new Error(`The schema engine stand-in only supports PostgreSQL URLs, got "${u.protocol}"`)
  }
  const q = u.searchParams
  const config = {
    host: q.get('host') ?? (u.hostname ? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1') : 'localhost'),
    port: u.port ? Number(u.port) : Number(q.get('port') ?? 5432),
    user: u.username ? decodeURIComponent(u.username) : (q.get('user') ?? undefined),
    password: u.password ? decodeURIComponent(u.password) : (q.get('password') ?? undefined),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  }
  const sslmode = q.get('sslmode')
  if (sslmode === 'require' || sslmode === 'prefer') config.ssl = { rejectUnauthorized: false }
  else if (sslmode === 'verify-ca' || sslmode === 'verify-full') {
    config.ssl = { rejectUnauthorized: true }
    if (q.get('sslrootcert')) config.ssl.ca = fs.readFileSync(q.get('sslrootcert'), 'utf8')
  }
  const connectTimeout = q.get('connect_timeout')
  if (connectTimeout) config.connectionTimeoutMillis = Number(connectTimeout) * 1000
  if (q.get('application_name')) config.application_name = q.get('application_name')
  const schema = q.get('schema') ?? undefined
  if (schema) config.options = `-c search_path="${schema.replace(/"/g, '""')}"`
  return { config, schema }
}

function describeServer(config) {
  return `${config.host}:${config.port}`
}

const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`

// ---------------------------------------------------------------------------------------------
// pg with the fixes the schema engine needs
// ---------------------------------------------------------------------------------------------

const pg = require('pg')

// @prisma/adapter-pg cannot map PostgreSQL's internal `"char"` (oid 18) columns (prisma/orm#27403):
// catalog queries such as pg_class.relkind / pg_constraint.contype return it. They are one-character
// strings: parse them as text and report them to the adapter as text. Same for `name` (19) and `name[]`.
const OID = { CHAR: 18, NAME: 19, TEXT: 25, NAME_ARRAY: 1003, TEXT_ARRAY: 1009 }
pg.types.setTypeParser(OID.CHAR, (value) => value)
pg.types.setTypeParser(OID.NAME, (value) => value)
pg.types.setTypeParser(OID.NAME_ARRAY, pg.types.getTypeParser(OID.TEXT_ARRAY))
const OID_AS_TEXT = new Map([
  [OID.CHAR, OID.TEXT],
  [OID.NAME, OID.TEXT],
  [OID.NAME_ARRAY, OID.TEXT_ARRAY],
])

function retypeFields(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of r?.fields ?? []) {
      const mapped = OID_AS_TEXT.get(field.dataTypeID)
      if (mapped !== undefined) field.dataTypeID = mapped
    }
  }
  return result
}

class TextCharClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === 'function') {
      callback = values
      values = undefined
    }
    if (config && typeof config.submit === 'function') return super.query(config, values, callback)
    if (typeof callback === 'function') {
      return super.query(config, values, (err, res) => callback(err, err ? res : retypeFields(res)))
    }
    if (config && typeof config.callback === 'function') {
      const cb = config.callback
      config.callback = (err, res) => cb(err, err ? res : retypeFields(res))
      return super.query(config, values)
    }
    return super.query(config, values).then(retypeFields)
  }
}

// ---------------------------------------------------------------------------------------------
// Driver adapter (migration-aware factory around @prisma/adapter-pg)
// ---------------------------------------------------------------------------------------------

let adapterPgModule
async function loadAdapterPg() {
  adapterPgModule ??= await import(pathToFileURL(require.resolve('@prisma/adapter-pg')).href)
  return adapterPgModule
}

let driverAdapterUtils
async function loadDriverAdapterUtils() {
  if (!driverAdapterUtils) {
    const adapterRequire = createRequire(require.resolve('@prisma/adapter-pg'))
    driverAdapterUtils = await import(pathToFileURL(adapterRequire.resolve('@prisma/driver-adapter-utils')).href)
  }
  return driverAdapterUtils
}

/**
 * Opens an adapter-pg connection (one pooled connection, like the native engine's single connection,
 * so session state such as the migration advisory lock stays on one backend), and replaces
 * `executeScript`, which in adapter-pg splits the script on every `;` (breaking `$$` bodies and
 * losing all-or-nothing): the whole script goes to PostgreSQL as one simple-protocol query,
 * which PostgreSQL runs as one implicit transaction unless the script has its own BEGIN/COMMIT.
 */
async function openAdapter(config, schema, onDispose) {
  const { PrismaPg } = await loadAdapterPg()
  const factory = new PrismaPg({ ...config, max: 1, Client: TextCharClient }, schema ? { schema } : undefined)
  const adapter = await factory.connect()
  const pool = adapter.underlyingDriver()
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script)
    } catch (error) {
      adapter.onError(error) // throws the adapter's DriverAdapterError
    }
  }
  if (onDispose) {
    const dispose = adapter.dispose.bind(adapter)
    adapter.dispose = async () => {
      await dispose()
      await onDispose()
    }
  }
  return adapter
}

async function withAdminClient(config, fn) {
  const client = new pg.Client({ ...config })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

const pendingShadowDatabases = new Map() // name -> admin config

async function dropShadowDatabase(adminConfig, name) {
  await withAdminClient(adminConfig, async (client) => {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`)
    } catch (error) {
      if (error?.code !== '55006') throw error // object_in_use: still connected somewhere
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)
    }
  })
  pendingShadowDatabases.delete(name)
}

async function asAdapterError(fn) {
  try {
    return await fn()
  } catch (error) {
    const { DriverAdapterError, isDriverAdapterError } = await loadDriverAdapterUtils()
    if (isDriverAdapterError(error)) throw error
    throw new DriverAdapterError({
      kind: 'postgres',
      code: error?.code ?? 'N/A',
      severity: error?.severity ?? 'ERROR',
      message: error?.message ?? String(error),
      detail: error?.detail,
      hint: error?.hint,
    })
  }
}

class MigrationAwarePgFactory {
  provider = 'postgres'
  adapterName = '@prisma/adapter-pg'

  constructor(datasource) {
    this.url = datasource?.url
    this.shadowDatabaseUrl = datasource?.shadowDatabaseUrl
  }

  // Errors that are not DriverAdapterErrors reach the CLI only as "External error id#N":
  // wrap ours (empty URL, same shadow and main database, CREATE DATABASE refused) so their text shows.
  async connect() {
    return asAdapterError(() => {
      const { config, schema } = pgConfigFromUrl(this.url)
      return openAdapter(config, schema)
    })
  }

  async connectToShadowDb() {
    return asAdapterError(() => this.#connectToShadowDb())
  }

  async #connectToShadowDb() {
    if (this.shadowDatabaseUrl) {
      // A configured shadow database. The native engine empties it before replaying the migrations;
      // the wasm engine does not (it expects a fresh database from the factory), so reset its schema here.
      const { config, schema } = pgConfigFromUrl(this.shadowDatabaseUrl)
      if (this.url) {
        const main = pgConfigFromUrl(this.url).config
        if (main.host === config.host && main.port === config.port && main.database === config.database) {
          throw new Error(
            'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
          )
        }
      }
      const target = quoteIdent(schema ?? 'public')
      await withAdminClient(config, (client) => client.query(`DROP SCHEMA IF EXISTS ${target} CASCADE; CREATE SCHEMA ${target}`))
      return openAdapter(config, schema)
    }
    // Temporary shadow database on the main database's server, dropped on dispose
    // (after its connections are closed: PostgreSQL refuses to drop a database in use).
    const { config, schema } = pgConfigFromUrl(this.url)
    const name = `prisma_migrate_shadow_db_${randomUUID()}`
    await withAdminClient(config, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`))
    pendingShadowDatabases.set(name, config)
    // host, port, user, password and database passed separately, never as one URL
    const shadowConfig = {
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: name,
      ssl: config.ssl,
      connectionTimeoutMillis: config.connectionTimeoutMillis,
      options: config.options,
    }
    return openAdapter(shadowConfig, schema, () => dropShadowDatabase(config, name))
  }
}

// ---------------------------------------------------------------------------------------------
// The WebAssembly schema engine
// ---------------------------------------------------------------------------------------------

function wasmPath() {
  const prismaDir = path.dirname(require.resolve('prisma/package.json'))
  return path.join(prismaDir, 'build', 'schema_engine_bg.wasm')
}

let wasmRuntime
async function loadWasmRuntime() {
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
function engineCommitHash() {
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
async function withMigrationsSchemaCached(engine, params, call) {
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

// ---------------------------------------------------------------------------------------------
// JSON-RPC server
// ---------------------------------------------------------------------------------------------

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

async function runRpcServer(args) {
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

// ---------------------------------------------------------------------------------------------
// One-shot `cli` commands
// ---------------------------------------------------------------------------------------------

function prismaConnectionError(error, config) {
  const server = describeServer(config)
  switch (error?.code) {
    case '3D000':
      return { error_code: 'P1003', message: `Database \`${config.database}\` does not exist on the database server at \`${server}\`.` }
    case '28P01':
    case '28000':
      return {
        error_code: 'P1000',
        message: `Authentication failed against database server at \`${config.host}\`, the provided database credentials for \`${config.user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${config.host}\`.`,
      }
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'EAI_AGAIN':
      return {
        error_code: 'P1001',
        message: `Can't reach database server at \`${server}\`\n\nPlease make sure your database server is running at \`${server}\`.`,
      }
    case 'ETIMEDOUT':
      return { error_code: 'P1002', message: `The database server at \`${server}\` was reached but timed out.` }
    case '42501':
      return { error_code: 'P1010', message: `User \`${config.user}\` was denied access on the database \`${config.database}\`` }
    default:
      return { error_code: undefined, message: error?.message ?? String(error) }
  }
}

async function createDatabase(config) {
  await withAdminClient({ ...config, database: 'postgres' }, (client) => client.query(`CREATE DATABASE ${quoteIdent(config.database)}`))
}

async function runCli(args) {
  // The CLI drops the first stderr line and parses the rest as JSON log lines.
  logLine('INFO', `Starting schema engine CLI (WebAssembly stand-in): ${args.cli}`, { git_hash: engineCommitHash() }, 'schema_engine::rpc')
  const { config } = pgConfigFromUrl(args.datasource?.url)
  const fail = (error) => {
    const { error_code, message } = prismaConnectionError(error, config)
    logLine('ERROR', message, error_code ? { error_code } : {}, 'schema_engine::logger')
    process.exit(1)
  }
  try {
    switch (args.cli) {
      case 'can-connect-to-database':
        await withAdminClient(config, (client) => client.query('SELECT 1'))
        logLine('INFO', 'Connection successful', {}, 'schema_engine::logger')
        break
      case 'create-database':
        await createDatabase(config)
        logLine('INFO', `Database '${config.database}' was successfully created.`, {}, 'schema_engine::logger')
        break
      case 'drop-database':
        await withAdminClient({ ...config, database: 'postgres' }, (client) => client.query(`DROP DATABASE ${quoteIdent(config.database)}`))
        logLine('INFO', 'The database was successfully dropped.', {}, 'schema_engine::logger')
        break
      default:
        logLine('ERROR', `Unknown cli command: ${args.cli}`, {}, 'schema_engine::logger')
        process.exit(1)
    }
  } catch (error) {
    fail(error)
  }
  process.exit(0)
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
