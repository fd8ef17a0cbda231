// Driver adapter for the WebAssembly schema engine: a migration-aware factory around @prisma/adapter-pg,
// with temporary shadow databases dropped on dispose.

import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { TextCharClient, pgConfigFromUrl, quoteIdent, withAdminClient } from './pg.mjs'

const require = createRequire(import.meta.url)

let adapterPgModule
async function loadAdapterPg() {
  adapterPgModule ??= await import(pathToFileURL(require.resolve('@prisma/adapter-pg')).href)
  return adapterPgModule
}

let driverAdapterUtils
export async function loadDriverAdapterUtils() {
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

export const pendingShadowDatabases = new Map() // name -> admin config

export async function dropShadowDatabase(adminConfig, name) {
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

export class MigrationAwarePgFactory {
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
