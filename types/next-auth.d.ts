import type { DefaultSession } from "next-auth";
import type { RoleName } from "@/lib/auth/permissions";

declare module "next-auth" {
  interface Session {
    user: DefaultSession["user"] & { id: string; role?: RoleName };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: RoleName;
    disabled?: boolean;
  }
}
