// PostgreSQL connection settings and the pg client the schema engine stand-in needs.

import fs from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
export const pg = require('pg')

/**
 * Turns a postgres:// URL into discrete pg settings (host, port, user, password, database, ssl)
 * plus Prisma's own `schema` parameter. Discrete settings matter: with `connectionString` pg ignores
 * a `database` override, which is how a temporary shadow database is selected.
 */
export function pgConfigFromUrl(url) {
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

export function describeServer(config) {
  return `${config.host}:${config.port}`
}


export const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`

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

export class TextCharClient extends pg.Client {
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

export async function withAdminClient(config, fn) {
  const client = new pg.Client({ ...config })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => {})
  }
}

export async function createDatabase(config) {
  await withAdminClient({ ...config, database: 'postgres' }, (client) => client.query(`CREATE DATABASE ${quoteIdent(config.database)}`))
}
