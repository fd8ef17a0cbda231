import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { prepareDatabase } from "@/lib/server/database";

async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  await prepareDatabase();
  return NextAuth(req as never, ctx as never, getAuthOptions());
}

export { handler as GET, handler as POST };
