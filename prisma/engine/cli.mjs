// One-shot `schema-engine cli <command>` calls, answered with plain pg.

import { logLine } from './log.mjs'
import { createDatabase, describeServer, pgConfigFromUrl, quoteIdent, withAdminClient } from './pg.mjs'
import { engineCommitHash } from './wasm.mjs'

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

export async function runCli(args) {
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
