/**
 * Every route handler is wrapped once: refuse cross-origin writes (403), authenticate (401) by the
 * session cookie or by a personal API token (`Authorization: Bearer vglt_...`, lib/tokens),
 * authorize against the permission table (403), refuse strings PostgreSQL cannot store in the
 * path, query or body (400), parse body and query with zod (400/422), then run; errors map through
 * errorResponse, and every answer gets the API's headers (no-store). Routes added later get all of
 * it by being wrapped.
 */
import "server-only";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { can, tokenCan, type Permission } from "@/lib/auth/permissions";
import { findSessionUser, type SessionUser } from "@/lib/server/queries/sessions";
import { authenticateToken, markTokenUsed } from "@/lib/server/queries/api-tokens";
import { bearerToken } from "@/lib/ingest/api-key";
import { readBodyText } from "@/lib/ingest/read-body";
import { searchParamsToObject } from "@/lib/anomalies/search-params";
import { AppError, errorResponse } from "@/lib/server/api/errors";
import { assertMediaType, assertSameOrigin } from "@/lib/server/api/request-checks";
import { assertStorable } from "@/lib/server/api/storable-text";
import { withApiHeaders } from "@/lib/server/api/response-headers";
import { prepareDatabase } from "@/lib/server/database";
import { observeApiRequest } from "@/lib/metrics/record";

/** A session's user, or a token's owner with the token's id and scopes (its role is read now). */
export type AuthedUser = SessionUser & { tokenId?: string; scopes?: string[]; tokenLastUsedAt?: Date | null };

interface Options<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  permission: Permission;
  body?: B;
  query?: Q;
  /** Largest accepted body in bytes (413 above it). */
  maxBodyBytes?: number;
  /** Refuse API tokens (403): managing tokens needs a signed-in session, so a token cannot mint a wider one. */
  sessionOnly?: boolean;
}

type Inferred<T> = T extends z.ZodType ? z.infer<T> : undefined;

export interface HandlerArgs<B, Q, P> {
  req: NextRequest;
  user: AuthedUser;
  body: B;
  query: Q;
  params: P;
}

/**
 * The signed-in user, or null: the cookie must name a session row that still exists (sign-out,
 * a password or role change, disabling and the admin's "end sessions" delete it), and the role is
 * the one stored now. A database that cannot answer throws (503), it does not sign anyone out.
 */
export async function currentUser(): Promise<AuthedUser | null> {
  await prepareDatabase();
  const session = await getServerSession(getAuthOptions());
  const u = session?.user;
  if (!u?.id || !u.sid) return null;
  return findSessionUser(u.sid, u.id);
}

/** The request's principal: its bearer token's owner when it has one, else the session's user. */
async function authenticate(req: NextRequest): Promise<AuthedUser | null> {
  const token = bearerToken(req.headers.get("authorization"));
  if (!token) return currentUser();
  await prepareDatabase();
  const p = await authenticateToken(token);
  return { ...p.user, tokenId: p.tokenId, scopes: p.scopes, tokenLastUsedAt: p.lastUsedAt };
}

/** The permission check: the role's table, narrowed by the token's scopes for a token. */
function allowed(user: AuthedUser, permission: Permission): boolean {
  return user.scopes ? tokenCan(user.role, user.scopes, permission) : can(user.role, permission);
}

async function readJson(req: NextRequest, maxBytes: number): Promise<unknown> {
  assertMediaType(req.headers.get("content-type"), "application/json");
  const text = await readBodyText(req, maxBytes);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch (e) {
    throw new AppError("bad_request", `Body is not valid JSON: ${(e as Error).message}`);
  }
  assertStorable(json, "body");
  return json;
}

export function withAuth<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, P = Record<string, string>>(
  handler: (args: HandlerArgs<Inferred<B>, Inferred<Q>, P>) => Promise<Response>,
  opts: Options<B, Q>,
) {
  return async (req: NextRequest, ctx: { params: Promise<P> }): Promise<Response> => {
    const started = performance.now();
    const res = await answer(req, ctx);
    observeApiRequest(opts.permission, req.method, res.status, (performance.now() - started) / 1000);
    return res;
  };

  async function answer(req: NextRequest, ctx: { params: Promise<P> }): Promise<Response> {
    try {
      // A cookie-less token request carries no browser credential, so there is nothing to forge.
      const tokenOnly = bearerToken(req.headers.get("authorization")) !== null && !req.headers.has("cookie");
      if (!tokenOnly) assertSameOrigin(req);
      const user = await authenticate(req);
      if (!user) throw new AppError("unauthorized", "Sign in required");
      if (user.tokenId && opts.sessionOnly) throw new AppError("forbidden", "API tokens are managed from a signed-in session, not with a token");
      if (!allowed(user, opts.permission)) {
        throw new AppError("forbidden", user.scopes && can(user.role, opts.permission) ? `This API token lacks the scope ${opts.permission}` : `Your role may not ${opts.permission}`);
      }
      // Only an allowed request counts as a use of the token (a refused one leaves lastUsedAt alone).
      if (user.tokenId) await markTokenUsed(user.tokenId, user.tokenLastUsedAt ?? null);
      const params = ctx?.params ? await ctx.params : ({} as P);
      assertStorable(params, "path");
      // A repeated key is an array: a schema that takes many values gets them all (`many()`), one
      // that takes a single value refuses it (400 naming the key) instead of silently keeping one.
      const rawQuery = searchParamsToObject(req.nextUrl.searchParams);
      assertStorable(rawQuery, "query");
      const body = opts.body ? opts.body.parse(await readJson(req, opts.maxBodyBytes ?? 1_000_000)) : undefined;
      const query = opts.query ? opts.query.parse(rawQuery) : undefined;
      return withApiHeaders(await handler({ req, user, body: body as Inferred<B>, query: query as Inferred<Q>, params }));
    } catch (error) {
      return withApiHeaders(errorResponse(error));
    }
  }
}
