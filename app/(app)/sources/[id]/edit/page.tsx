import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { SourceForm } from "@/components/sources/source-form";
import { findSource } from "@/app/(app)/sources/find-source";

export default async function EditSourcePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePage("sources:write");
  const source = await findSource((await params).id);
  if (!source) notFound();
  return (
    <>
      <p><Link href={`/sources/${source.id}`}>← {source.name}</Link></p>
      <h1>Edit {source.name}</h1>
      <SourceForm source={{ id: source.id, name: source.name, kind: source.kind, status: source.status, config: source.config as Record<string, unknown>, retentionDays: source.retentionDays }} />
    </>
  );
}
