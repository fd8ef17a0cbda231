import { LABEL_WORDS, type LabelValue } from "@/lib/feedback/schemas";

export function LabelBadge({ value }: { value: LabelValue | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <span className={`badge label-${value.toLowerCase()}`}>{LABEL_WORDS[value]}</span>;
}
