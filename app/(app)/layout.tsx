import type { ReactNode } from "react";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { prepareDatabase } from "@/lib/server/database";
import { Nav } from "@/components/nav";
import { Providers } from "@/components/providers";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  await prepareDatabase();
  const session = await getServerSession(getAuthOptions());
  if (!session?.user?.role || !session.user.email) redirect("/signin");
  return (
    <Providers session={session}>
      <Nav email={session.user.email} role={session.user.role} />
      <main className="content">{children}</main>
    </Providers>
  );
}
