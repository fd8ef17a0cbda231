import { redirect } from "next/navigation";
import { prepareDatabase } from "@/lib/server/database";
import { countUsers } from "@/lib/server/queries/users";
import { isDatabaseUnavailable } from "@/lib/server/unavailable";
import { SignInForm } from "@/components/auth/sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  await prepareDatabase();
  const users = await countUsers().catch((e: unknown) => {
    if (isDatabaseUnavailable(e)) redirect("/unavailable?from=/signin");
    throw e;
  });
  if (users === 0) redirect("/setup");
  const { callbackUrl } = await searchParams;
  // Only same-site paths, so the sign-in page cannot be used as an open redirect.
  const target = callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
  return (
    <main className="auth">
      <SignInForm callbackUrl={target} />
    </main>
  );
}
