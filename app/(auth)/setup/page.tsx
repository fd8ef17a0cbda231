import { redirect } from "next/navigation";
import { prepareDatabase } from "@/lib/server/database";
import { countUsers } from "@/lib/server/queries/users";
import { SetupForm } from "@/components/auth/setup-form";

export const dynamic = "force-dynamic";

export default async function SetupPage() {
  await prepareDatabase();
  if ((await countUsers()) > 0) redirect("/signin");
  return (
    <main className="auth">
      <SetupForm />
    </main>
  );
}
