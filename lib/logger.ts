/** Structured JSON logs (pino), shared by web and worker. */
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.VIGIL_SERVICE ?? "web" },
  redact: ["password", "*.password", "passwordHash", "*.passwordHash", "secret", "*.secret"],
});
