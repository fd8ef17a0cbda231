/** Structured JSON logs (pino), shared by web and worker. */
import pino from "pino";

const options: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.VIGIL_SERVICE ?? "web" },
  redact: ["password", "*.password", "passwordHash", "*.passwordHash", "secret", "*.secret"],
};

// Under vitest, lines go through console so the runner can show them for failing tests only
// (silent: "passed-only"); pino's own writer goes straight to the file descriptor.
const viaConsole = process.env.VITEST && !process.env.VIGIL_SERVICE ? { write: (line: string) => console.log(line.trimEnd()) } : undefined;

export const logger = viaConsole ? pino(options, viaConsole) : pino(options);
