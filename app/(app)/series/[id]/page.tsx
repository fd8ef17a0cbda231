import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { SeriesExplorer } from "@/components/series/series-explorer";
import { AppError } from "@/lib/server/api/errors";
import { getSeriesDetail } from "@/lib/server/queries/series";
import "@/components/detectors/detectors.css";
import "@/components/anomalies/anomalies.css";
import "@/components/series/series.css";

export default async function SeriesPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePage("sources:read");
  const { id } = await params;
  const series = await getSeriesDetail(id).catch((e) => (e instanceof AppError && e.code === "not_found" ? notFound() : Promise.reject(e)));
  return <SeriesExplorer series={series} />;
}
