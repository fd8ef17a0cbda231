/** Which silence, if any, covers an anomaly now. Pure. */
import { alertLabels, type AlertContext } from "@/lib/alerting/alert";
import { matchesAll, type Matcher } from "@/lib/alerting/matchers";

export interface SilenceSpec {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
}

export function isActive(s: Pick<SilenceSpec, "startsAt" | "endsAt">, now: Date): boolean {
  return s.startsAt.getTime() <= now.getTime() && now.getTime() < s.endsAt.getTime();
}

/** The first active silence whose matchers all hold on the anomaly's labels (a silence with no matchers silences nothing). */
export function findSilence(silences: readonly SilenceSpec[], ctx: AlertContext, now: Date): SilenceSpec | null {
  const labels = alertLabels(ctx);
  return silences.find((s) => s.matchers.length > 0 && isActive(s, now) && matchesAll(s.matchers, labels)) ?? null;
}

/** A silence prefilled from an anomaly's series: its source, metric and every label, exactly. */
export function silenceMatchersFor(ctx: Pick<AlertContext, "series" | "source">): Matcher[] {
  return [
    { name: "source", op: "=", value: ctx.source.name },
    { name: "metric", op: "=", value: ctx.series.metric },
    ...Object.entries(ctx.series.labels)
      .filter(([k]) => !["alertname", "metric", "source", "detector", "severity"].includes(k))
      .map(([name, value]) => ({ name, op: "=" as const, value })),
  ];
}
