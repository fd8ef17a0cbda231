/**
 * The answer when the database cannot be reached, for pages (API routes answer JSON through
 * errorResponse): 503 with Retry-After and a plain message, never the driver's error text.
 */
import { getPgPool } from "@/lib/server/pg-pool";
import { isTransientDatabaseError } from "@/lib/server/api/errors";

export const RETRY_AFTER_S = 5;

export function unavailablePage(retryPath: string): Response {
  const href = retryPath.startsWith("/") && !retryPath.startsWith("//") ? retryPath : "/";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil is unavailable</title></head><body><main><h1>Vigil cannot reach its database</h1><p>This is usually brief (a restart or an upgrade). Nothing you entered was lost. <a href="${href.replace(/[<>"&]/g, "")}">Try again</a> in a few seconds.</p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Retry-After": String(RETRY_AFTER_S), "Cache-Control": "no-store" } });
}

/** Whether any user exists (the sign-in page sends a fresh install to /setup); throws when the database is unreachable. */
export async function hasAnyUser(): Promise<boolean> {
  const { rows } = await getPgPool().query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "User") AS any`);
  return rows[0].any;
}

/** Not configured yet (the embedded database still starting) counts as unavailable too. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return isTransientDatabaseError(error) || (error instanceof Error && error.message.startsWith("DATABASE_URL is not set"));
}
