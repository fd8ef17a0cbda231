/** One history entry in words. Kinds the pipeline adds later still read sensibly. Pure. */
import type { AnomalyActivity } from "@/lib/anomalies/schemas";
import { LABEL_WORDS, REASON_WORDS, type LabelReason, type LabelValue } from "@/lib/feedback/schemas";

export const whoDid = (a: Pick<AnomalyActivity, "user">) => a.user?.email ?? "Vigil (re-detection)";
const email = (v: unknown) => (v && typeof v === "object" && "email" in v ? String((v as { email: unknown }).email) : "nobody");
const str = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "?");

export function describeActivity(a: Pick<AnomalyActivity, "kind" | "details">): string {
  const d = a.details;
  switch (a.kind) {
    case "status": return `changed the status from ${str(d.from)} to ${str(d.to)}`;
    case "assign": return d.to ? `assigned it to ${email(d.to)}` : `unassigned it (was ${email(d.from)})`;
    case "comment": return "commented";
    case "label": return `labelled it ${LABEL_WORDS[d.value as LabelValue] ?? str(d.value)}${d.reason ? ` (${REASON_WORDS[d.reason as LabelReason] ?? str(d.reason)})` : ""}${d.imported ? ", imported" : ""}`;
    case "redetected": return "re-detected it with a changed span";
    case "merged": return typeof d.intoId === "string" ? `merged it into anomaly ${d.intoId}` : "merged it into a neighbouring anomaly";
    case "gone": return "no longer detects it";
    case "revived": return "detects it again";
    default: return a.kind.replaceAll("_", " ");
  }
}
