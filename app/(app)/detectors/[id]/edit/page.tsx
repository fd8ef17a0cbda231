import { requirePage } from "@/lib/auth/page-guard";
import { DetectorForm } from "@/components/detectors/detector-form";
import type { DetectorJson } from "@/components/detectors/use-detectors";
import { getDetector } from "@/lib/server/queries/detectors";
import "@/components/detectors/detectors.css";

export default async function EditDetectorPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePage("detectors:write");
  const { id } = await params;
  const detector = await getDetector(id);
  return (
    <>
      <h1>Edit {detector.name}</h1>
      <DetectorForm detector={JSON.parse(JSON.stringify(detector)) as DetectorJson} />
    </>
  );
}
