/** Display helpers shared by pages. */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return date.toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

export function formatLabels(labels: unknown): string {
  if (!labels || typeof labels !== "object") return "";
  const entries = Object.entries(labels as Record<string, unknown>);
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${String(v)}"`).join(", ")}}` : "";
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

/** A series as people name it: its metric with its labels, `cpu{host="web-1"}`. */
export function seriesTitle(metric: string, labels: unknown): string {
  return `${metric}${formatLabels(labels)}`;
}
