import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DetectorForm } from "@/components/detectors/detector-form";
import "@/components/detectors/detectors.css";

export default async function NewDetectorPage() {
  const { allowed } = await requirePage("detectors:write");
  if (!allowed) return <Forbidden what="detector configuration" />;
  return (
    <>
      <h1>New detector</h1>
      <DetectorForm />
    </>
  );
}
