/** Isomorphic zod schemas for accounts (used by forms and by route handlers). */
import { z } from "zod";
import { PERMISSIONS, ROLES } from "@/lib/auth/permissions";

export const ZEmail = z.string().trim().toLowerCase().pipe(z.email("must be a valid e-mail address"));
export const ZPassword = z.string().min(12, "must be at least 12 characters").max(200, "must be at most 200 characters");
export const ZRole = z.enum(ROLES);

export const ZCreateUser = z.object({
  email: ZEmail,
  name: z.string().trim().max(100).optional(),
  password: ZPassword,
  role: ZRole,
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

export const ZUpdateUser = z
  .object({
    name: z.string().trim().max(100).optional(),
    role: ZRole.optional(),
    disabled: z.boolean().optional(),
    password: ZPassword.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to update" });
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

export const ZSetup = z.object({ email: ZEmail, name: z.string().trim().max(100).optional(), password: ZPassword });
export const ZCredentials = z.object({ email: ZEmail, password: z.string().min(1).max(200) });

/** A person as the users API answers (lib/server/queries/users.ts publicUserSelect). */
export const ZPublicUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  disabled: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
/** GET /api/v1/users: every person (unpaged: `nextCursor` is null); one user is answered bare (ZPublicUser). */
export const ZUserList = z.object({ items: z.array(ZPublicUser), nextCursor: z.null() });
export const ZSessionsEnded = z.object({ ended: z.number().int() });

/** GET /api/v1/me: the caller, and with a token its id and scopes; the permissions it has now. */
export const ZMe = z.object({
  user: z.object({ id: z.string(), email: z.string(), role: ZRole, tokenId: z.string().optional(), scopes: z.array(z.string()).optional() }),
  permissions: z.array(z.enum(PERMISSIONS)),
});
