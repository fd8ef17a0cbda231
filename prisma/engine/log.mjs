// Logging for the schema engine stand-in: JSON lines on stderr in the native engine's shape (the CLI parses them).

export function logLine(level, message, extra = {}, target = 'schema_engine::wasm_shim') {
  const line = {
    timestamp: new Date().toISOString(),
    level,
    fields: { message, ...extra },
    target,
  }
  process.stderr.write(JSON.stringify(line) + '\n')
}

const debugEnabled = /schema|\*/i.test(process.env.DEBUG ?? '') || process.env.PRISMA_MIGRATE_WASM_DEBUG === '1'
export function debug(message) {
  if (debugEnabled) logLine('DEBUG', message)
}
