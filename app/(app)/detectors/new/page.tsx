import { requirePage } from "@/lib/auth/page-guard";
import { DetectorForm } from "@/components/detectors/detector-form";
import "@/components/detectors/detectors.css";

export default async function NewDetectorPage() {
  await requirePage("detectors:write");
  return (
    <>
      <h1>New detector</h1>
      <DetectorForm />
    </>
  );
}
