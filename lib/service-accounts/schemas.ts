/**
 * Service accounts (isomorphic): non-person principals that act only through API tokens. What an
 * admin sends to create or change one, and what the API answers.
 */
import { z } from "zod";
import { ZRole } from "@/lib/auth/schemas";
import { ZTokenCreate } from "@/lib/tokens/schemas";

/** A lower-case handle: it becomes the account's identifier `<handle>@service-accounts.invalid`. */
export const ZServiceAccountCreate = z.object({
  handle: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3-40 letters, digits or dashes, not starting or ending with a dash"),
  name: z.string().trim().max(100).optional(),
  role: ZRole,
});
export type TServiceAccountCreate = z.infer<typeof ZServiceAccountCreate>;

export const ZServiceAccountUpdate = z
  .object({ name: z.string().trim().max(100).optional(), role: ZRole.optional(), disabled: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type TServiceAccountUpdate = z.infer<typeof ZServiceAccountUpdate>;

/** Issuing a token for a service account: the same fields as a personal token. */
export const ZServiceTokenCreate = ZTokenCreate;

export const SERVICE_ACCOUNT_DOMAIN = "service-accounts.invalid";

export const ZServiceAccount = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  disabled: z.boolean(),
  createdAt: z.iso.datetime(),
  /** Tokens not revoked and not expired. */
  activeTokens: z.number().int(),
  /** The newest lastUsedAt of its tokens. */
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ServiceAccount = z.infer<typeof ZServiceAccount>;

/** Unpaged (`nextCursor` is null); one service account is answered bare (ZServiceAccount). */
export const ZServiceAccountList = z.object({ items: z.array(ZServiceAccount), nextCursor: z.null() });
