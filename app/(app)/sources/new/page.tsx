import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { SourceForm } from "@/components/sources/source-form";

export default async function NewSourcePage() {
  const { allowed } = await requirePage("sources:write");
  if (!allowed) return <Forbidden what="creating data sources" />;
  return (
    <>
      <p><Link href="/sources">← Sources</Link></p>
      <h1>New source</h1>
      <SourceForm />
    </>
  );
}
