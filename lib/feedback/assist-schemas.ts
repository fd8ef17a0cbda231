/** The supervised assist's API contract (isomorphic): the switch body and the answer's shape. */
import { z } from "zod";

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");

/** POST .../assist: on (trains on every label now, or re-enables `ruleId` as it was: the undo) or off. */
export const ZAssistSwitch = z
  .object({ enabled: z.boolean(), ruleId: id.optional() })
  .strict()
  .refine((b) => b.enabled || b.ruleId === undefined, { path: ["ruleId"], message: "only when turning the assist on (to restore that classifier)" });
export type TAssistSwitch = z.infer<typeof ZAssistSwitch>;

const ZSide = z.object({ tp: z.number().int(), fp: z.number().int(), positives: z.number().int(), precision: z.number().nullable(), recall: z.number().nullable() });

export const ZAssistEffect = z.object({
  heldOut: z.number().int(),
  folds: z.number().int(),
  before: ZSide,
  after: ZSide,
  falsePositivesRemoved: z.number().int(),
  truePositivesLost: z.number().int(),
  sentence: z.string(),
});

const ZAssistRule = z.object({
  ruleId: z.string(),
  enabled: z.boolean(),
  cutoff: z.number(),
  trainedOn: z.object({ tp: z.number().int(), fp: z.number().int() }),
  /** Incidents it suppresses now. */
  filtering: z.number().int(),
  createdAt: z.string(),
});

export const ZAssist = z.object({
  labels: z.object({ tp: z.number().int(), fp: z.number().int(), needed: z.number().int(), perClass: z.number().int() }),
  /** Why it cannot be turned on yet (too few labels, one class only); null when it can. */
  notReady: z.string().nullable(),
  /** Measured on labels the classifier was not trained on (time-ordered); null when not ready. */
  effect: ZAssistEffect.nullable(),
  /** The classifier turning it on would train now: its cutoff and weights (standardised features). */
  proposal: z.object({ cutoff: z.number(), weights: z.array(z.object({ feature: z.string(), weight: z.number() })) }).nullable(),
  /** Over the period's incidents alerting today: how many the proposal would filter, labelled or not. */
  period: z.object({ from: z.string(), to: z.string(), alerting: z.number().int(), filtered: z.number().int(), unlabelledFiltered: z.number().int() }),
  /** The newest assist rule (on or off), and the previous one to go back to. */
  current: ZAssistRule.nullable(),
  previous: ZAssistRule.nullable(),
});
export type AssistAnswer = z.infer<typeof ZAssist>;

export const ZAssistSwitched = z.object({ enabled: z.boolean(), rule: ZAssistRule, released: z.number().int() });
