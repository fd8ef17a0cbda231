import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { SourceForm } from "@/components/sources/source-form";

export default async function NewSourcePage() {
  await requirePage("sources:write");
  return (
    <>
      <p><Link href="/sources">← Sources</Link></p>
      <h1>New source</h1>
      <SourceForm />
    </>
  );
}
