/**
 * One error type with a code, and one mapping to HTTP. A client's mistake never becomes a 500;
 * anything unexpected is logged with its cause and answered with a generic 500.
 */
import { ZodError } from "zod";
import { NextResponse } from "next/server";
import { logger } from "@/lib/logger";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message }));
}

export function errorResponse(error: unknown): NextResponse {
  if (error instanceof AppError) {
    return NextResponse.json(
      { error: { code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) } },
      { status: ERROR_STATUS[error.code] },
    );
  }
  if (error instanceof ZodError) {
    const issues = zodIssues(error);
    return NextResponse.json(
      { error: { code: "unprocessable", message: `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues } },
      { status: 422 },
    );
  }
  if (isTransientDatabaseError(error)) {
    logger.warn({ err: error }, "database unavailable or contended; asked the client to retry");
    return NextResponse.json(
      { error: { code: "unavailable", message: "The database is unavailable or busy; nothing was written. Retry the request." } },
      { status: 503, headers: { "Retry-After": "2" } },
    );
  }
  if (isPrismaError(error, "P2025")) {
    return NextResponse.json({ error: { code: "not_found", message: "Not found" } }, { status: 404 });
  }
  if (isPrismaError(error, "P2002")) {
    return NextResponse.json({ error: { code: "conflict", message: "Already exists" } }, { status: 409 });
  }
  logger.error({ err: error }, "unhandled error in route handler");
  return NextResponse.json({ error: { code: "internal", message: "Internal server error" } }, { status: 500 });
}

/** PostgreSQL codes that mean "try again": connection loss, shutdown, deadlock, serialization failure, too many connections, statement timeout. */
const TRANSIENT_PG_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006", "40001", "40P01", "53300", "57014"]);
const TRANSIENT_PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "P2028", "P2034"]);
/** Socket failures on the way to PostgreSQL, as node reports them through plain `pg`. */
const TRANSIENT_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** What `pg` (client.js) and `pg-pool` throw, without a code, when a connection is lost or cannot be had. */
const TRANSIENT_PG_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
]);

/** The server side failed in a way a retry can fix: the client gets 503, not a bare 500. */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string; originalCode?: string; code?: string } } } };
  if (typeof e.code === "string" && (TRANSIENT_PRISMA_CODES.has(e.code) || TRANSIENT_PG_CODES.has(e.code) || TRANSIENT_SOCKET_CODES.has(e.code))) return true;
  if (error instanceof Error && typeof e.message === "string" && TRANSIENT_PG_MESSAGES.has(e.message)) return true;
  // Connecting to a host name with several addresses fails with an AggregateError of socket errors.
  if (error instanceof AggregateError) return error.errors.some(isTransientDatabaseError);
  const cause = e.meta?.driverAdapterError?.cause;
  if (!cause) return false;
  return cause.kind === "DatabaseNotReachable" || TRANSIENT_PG_CODES.has(cause.originalCode ?? cause.code ?? "");
}

function isPrismaError(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}
