/**
 * Personal API tokens (isomorphic): what a create asks for and what a list answers. The secret is
 * only ever in the create answer.
 */
import { z } from "zod";
import { PERMISSIONS, type Permission } from "@/lib/auth/permissions";

export const ZTokenCreate = z.object({
  name: z.string().trim().min(1).max(100),
  /** ISO time in the future; omitted means the token does not expire. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  /** A subset of the caller's role; omitted means all of it (as the role is at creation). */
  scopes: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length).optional(),
});
export type TTokenCreate = z.infer<typeof ZTokenCreate>;

/** Who a token acts as: a person, or a service account (lib/service-accounts). */
export const ZTokenOwner = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), serviceAccount: z.boolean() });

export const ZTokenItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(PERMISSIONS)),
  owner: ZTokenOwner,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type TokenItem = z.infer<typeof ZTokenItem> & { scopes: Permission[] };

/** The create answer: the only time the secret (`token`) is shown. */
export const ZCreatedToken = ZTokenItem.extend({ token: z.string().startsWith("vglt_") });
export type CreatedToken = z.infer<typeof ZCreatedToken>;

/** Token lists (unpaged: `nextCursor` is null); a created token is ZCreatedToken and a revoked one ZTokenItem, bare. */
export const ZTokenList = z.object({ items: z.array(ZTokenItem), nextCursor: z.null() });

/** How often a token's lastUsedAt is written at most: a busy script does not write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
