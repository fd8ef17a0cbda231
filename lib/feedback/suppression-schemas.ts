/** The suppression rules' API contract (isomorphic): bodies, the what-if query, the answers' shapes. */
import { z } from "zod";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");
const isoTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
const hour = z.number().int("must be a whole hour").min(0, "must be 0 to 23").max(23, "must be 0 to 23");
const weekday = z.number().int().min(1, "must be 1 (Monday) to 7 (Sunday)").max(7, "must be 1 (Monday) to 7 (Sunday)");
const scoreBelow = z.number().gt(0, "must be above 0").max(1, "must be at most 1");

export const RULE_ORIGINS = ["suggestion", "manual"] as const;

const conditionFields = {
  seriesId: id.nullable(),
  hourFrom: hour.nullable(),
  hourTo: hour.nullable(),
  weekdays: z.array(weekday).max(7).refine((d) => new Set(d).size === d.length, "must not repeat a day"),
  scoreBelow: scoreBelow.nullable(),
};

type Conditions = { seriesId: string | null; hourFrom: number | null; hourTo: number | null; weekdays: number[]; scoreBelow: number | null };

/** Issues of a complete set of conditions (a new rule, or a rule after an edit). */
export function conditionIssues(c: Conditions): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if ((c.hourFrom === null) !== (c.hourTo === null)) out.push({ path: c.hourFrom === null ? "hourFrom" : "hourTo", message: "give both hourFrom and hourTo, or neither" });
  else if (c.hourFrom !== null && c.hourFrom === c.hourTo) out.push({ path: "hourTo", message: "must differ from hourFrom" });
  if (c.hourFrom === null && c.weekdays.length === 0 && c.scoreBelow === null) out.push({ path: "(root)", message: "give at least one of hours, weekdays or scoreBelow: a rule on a whole series would silence it" });
  return out;
}

const withConditionIssues = <T extends Conditions>(b: T, ctx: z.RefinementCtx) => {
  for (const i of conditionIssues(b)) ctx.addIssue({ code: "custom", path: i.path === "(root)" ? [] : [i.path], message: i.message });
};

export const ZNewSuppressionRule = z
  .object({
    seriesId: conditionFields.seriesId.default(null),
    hourFrom: conditionFields.hourFrom.default(null),
    hourTo: conditionFields.hourTo.default(null),
    weekdays: conditionFields.weekdays.default([]),
    scoreBelow: conditionFields.scoreBelow.default(null),
    note: z.string().trim().max(2_000).optional(),
    origin: z.enum(RULE_ORIGINS).default("manual"),
  })
  .strict()
  .superRefine(withConditionIssues);
export type TNewSuppressionRule = z.infer<typeof ZNewSuppressionRule>;

/** An edit: any condition, `enabled` (disable/enable), the note. The rule after it is checked with `conditionIssues`. */
export const ZSuppressionRuleChange = z
  .object({
    seriesId: conditionFields.seriesId.optional(),
    hourFrom: conditionFields.hourFrom.optional(),
    hourTo: conditionFields.hourTo.optional(),
    weekdays: conditionFields.weekdays.optional(),
    scoreBelow: conditionFields.scoreBelow.optional(),
    enabled: z.boolean().optional(),
    note: z.string().trim().max(2_000).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "give at least one field to change" });
export type TSuppressionRuleChange = z.infer<typeof ZSuppressionRuleChange>;

const optionalInt = (schema: z.ZodNumber) => z.preprocess((v) => (v === "" || v === undefined ? null : Number(v)), schema.nullable()).default(null);

/** GET .../suppression-rules/what-if: the conditions as query strings (`weekdays=1,2`), a period, and the rule being edited (left out of "today"). */
export const ZRuleWhatIfQuery = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    seriesId: id.optional().transform((v) => v ?? null),
    hourFrom: optionalInt(hour),
    hourTo: optionalInt(hour),
    weekdays: z
      .string()
      .max(20)
      .optional()
      .transform((v) => (v ? v.split(",").map(Number) : []))
      .pipe(conditionFields.weekdays),
    scoreBelow: z.preprocess((v) => (v === "" || v === undefined ? null : Number(v)), scoreBelow.nullable()).default(null),
    excludeRuleId: id.optional(),
  })
  .superRefine(withConditionIssues)
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be after from" });

export const ZSuppressionRule = z.object({
  id: z.string(),
  detectorId: z.string(),
  seriesId: z.string().nullable(),
  hourFrom: z.number().int().nullable(),
  hourTo: z.number().int().nullable(),
  weekdays: z.array(z.number().int()),
  scoreBelow: z.number().nullable(),
  enabled: z.boolean(),
  note: z.string().nullable(),
  origin: z.string(),
  description: z.string(),
  /** Incidents it suppresses now. */
  suppressing: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SuppressionRuleItem = z.infer<typeof ZSuppressionRule>;
