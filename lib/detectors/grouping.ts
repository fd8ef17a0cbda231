/**
 * How a grouped detector forms its subjects: the series it watches, grouped by label values (one
 * group per distinct value, e.g. per `host`, with `metrics` as the members in vector order) or an
 * explicit list (one group), each scored as one value vector per time step. Isomorphic: the API
 * validates with it, the form renders it, the pipeline aligns points with it.
 */
import { z } from "zod";

export const AGGREGATES = ["last", "mean", "min", "max"] as const;
export const MISSING = ["impute", "skip"] as const;

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a label name (letters, digits, _)");

export const groupingSchema = z
  .object({
    /** Labels whose values make a group (one model per distinct combination). */
    by: z.array(labelName).min(1).max(8).optional(),
    /** With `by`: the metric names of a group's members, in vector order. */
    metrics: z.array(z.string().min(1).max(200)).min(2).max(64).optional(),
    /** Or one group of exactly these series, in vector order. */
    seriesIds: z.array(z.string().min(1)).min(2).max(64).optional(),
    /** Points are aligned to steps of this many seconds. */
    stepSeconds: z.number().int().min(1).max(86_400),
    /** A member's value in a step: its last, mean, min or max point there. */
    aggregate: z.enum(AGGREGATES).default("last"),
    /** A member with no point in a step: its previous value (impute), or the step is not scored (skip). */
    missing: z.enum(MISSING).default("impute"),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (!g.by === !g.seriesIds) ctx.addIssue({ code: "custom", path: ["by"], message: "give either `by` (with `metrics`) or `seriesIds`" });
    if (g.by && !g.metrics) ctx.addIssue({ code: "custom", path: ["metrics"], message: "`by` needs the member metrics, in vector order" });
    if (g.seriesIds && g.metrics) ctx.addIssue({ code: "custom", path: ["metrics"], message: "`metrics` goes with `by`, not with `seriesIds`" });
    for (const list of [g.metrics, g.seriesIds]) {
      if (list && new Set(list).size !== list.length) ctx.addIssue({ code: "custom", path: [list === g.metrics ? "metrics" : "seriesIds"], message: "members must be distinct" });
    }
  });

export type Grouping = z.output<typeof groupingSchema>;
export type GroupingInput = z.input<typeof groupingSchema>;

/** A stored `Detector.grouping` (already validated on write), or null for an ungrouped detector. */
export function readGrouping(stored: unknown): Grouping | null {
  if (stored === null || stored === undefined) return null;
  const r = groupingSchema.safeParse(stored);
  return r.success ? r.data : null;
}

/** The group key of a series' labels under `by` (canonical, sorted by label), or null when a label is missing. */
export function groupKeyOf(by: readonly string[], labels: Record<string, unknown>): string | null {
  const key: Record<string, string> = {};
  for (const name of [...by].sort()) {
    const v = labels[name];
    if (typeof v !== "string" || v === "") return null;
    key[name] = v;
  }
  return JSON.stringify(key);
}

export const LIST_GROUP_KEY = "list";

/**
 * The groups `grouping` forms from `series`: per label key, the first series (by id) of each member
 * metric, complete groups only; or the listed series as one group. The one rule: the pipeline forms a
 * detector's groups with it (`syncGroups`, lib/server/queries/subjects.ts), the preview its group.
 */
export function formGroups(
  grouping: Pick<Grouping, "by" | "metrics" | "seriesIds">,
  series: readonly { id: string; metric: string; labels: Record<string, unknown> }[],
): { key: string; members: string[] }[] {
  if (grouping.seriesIds) return grouping.seriesIds.length >= 2 ? [{ key: LIST_GROUP_KEY, members: [...grouping.seriesIds] }] : [];
  const metrics = grouping.metrics ?? [];
  const byKey = new Map<string, (string | undefined)[]>();
  for (const s of [...series].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const pos = metrics.indexOf(s.metric);
    const key = pos < 0 || !grouping.by ? null : groupKeyOf(grouping.by, s.labels ?? {});
    if (key === null) continue;
    const slots = byKey.get(key) ?? byKey.set(key, metrics.map(() => undefined)).get(key)!;
    slots[pos] ??= s.id;
  }
  return [...byKey]
    .filter(([, slots]) => slots.length >= 2 && slots.every((s) => s !== undefined))
    .map(([key, slots]) => ({ key, members: slots as string[] }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}
