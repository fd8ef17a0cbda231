/**
 * The API's operations, each declared once: method, path, summary, who may call it, and the zod
 * schemas the route handler already uses for its query and body (imported, never copied), plus a
 * response schema where one exists. lib/openapi/document.ts turns this list into OpenAPI 3.1, and
 * lib/openapi/coverage.test.ts fails when it and app/api disagree. Adding a route is one entry here.
 */
import type { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * A permission from lib/auth/permissions.ts (a signed-in session whose role has it), "public"
 * (no credentials), or "source-key" (a source's API key as `Authorization: Bearer`).
 */
export type Access = Permission | "public" | "source-key";

export interface Operation {
  method: HttpMethod;
  /** As served, OpenAPI style: `/api/v1/anomalies/{id}` for Next's `app/api/v1/anomalies/[id]`. */
  path: string;
  summary: string;
  access: Access;
  /** The route's query schema (repeated keys become arrays where the schema says so). */
  query?: z.ZodType;
  /** The route's JSON body schema. */
  body?: z.ZodType;
  /** A body that is not parsed by a zod schema (CSV, several formats): its media types and what it holds. */
  rawBody?: { contentTypes: string[]; description: string };
  /** The success answer's schema. Absent: documented as a generic JSON object (no schema exists yet). */
  response?: z.ZodType;
  /** The success status; 200 unless told. 204 answers have no body. */
  status?: 200 | 201 | 202 | 204;
  /** Media type of the success answer when it is not JSON (e.g. Prometheus text). */
  responseContentType?: string;
}

export type OperationInput = Omit<Operation, "method" | "path" | "summary" | "access">;

export function op(method: HttpMethod, path: string, access: Access, summary: string, rest: OperationInput = {}): Operation {
  return { method, path, access, summary, ...rest };
}
