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

export interface TokenItem {
  id: string;
  name: string;
  prefix: string;
  scopes: Permission[];
  owner: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken extends TokenItem {
  /** Shown once. */
  token: string;
}

/** How often a token's lastUsedAt is written at most: a busy script does not write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
