import type { DefaultSession } from "next-auth";
import type { RoleName } from "@/lib/auth/permissions";

declare module "next-auth" {
  interface Session {
    /** `sid` names the UserSession row that must still exist for the session to be valid. */
    user: DefaultSession["user"] & { id: string; role?: RoleName; sid?: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: RoleName;
    sid?: string;
  }
}
