/**
 * Label matchers as in Alertmanager: `name op value` with op `=`, `!=`, `=~`, `!~`; regexes are
 * anchored (`^(?:value)$`), and a label that is absent reads as "". Pure and isomorphic.
 */
import { z } from "zod";

export const MATCH_OPS = ["=", "!=", "=~", "!~"] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

export const ZMatcher = z
  .object({
    name: z.string().trim().min(1, "label name required").max(100).regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, "letters, digits, _ . : - (not first)"),
    op: z.enum(MATCH_OPS),
    value: z.string().max(500),
  })
  .superRefine((m, ctx) => {
    if (m.op === "=~" || m.op === "!~") {
      const error = regexError(m.value);
      if (error) ctx.addIssue({ code: "custom", path: ["value"], message: `not a valid regular expression: ${error}` });
    }
  });
export type Matcher = z.infer<typeof ZMatcher>;
export const ZMatchers = z.array(ZMatcher).max(20);

function regexError(source: string): string | null {
  try {
    new RegExp(`^(?:${source})$`);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const actual = labels[m.name] ?? "";
  switch (m.op) {
    case "=":
      return actual === m.value;
    case "!=":
      return actual !== m.value;
    case "=~":
      return new RegExp(`^(?:${m.value})$`).test(actual);
    case "!~":
      return !new RegExp(`^(?:${m.value})$`).test(actual);
  }
}

/** Every matcher holds (an empty list matches everything). */
export function matchesAll(ms: readonly Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

/** `host="web-1", env=~"prod.*"` -> matchers (the forms' text form); throws naming the part it cannot read. */
export function parseMatchers(text: string): Matcher[] {
  const out: Matcher[] = [];
  const one = /^\s*([A-Za-z_][A-Za-z0-9_.:-]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^,"]*))\s*(?:,|$)/;
  let rest = text.trim();
  while (rest.length > 0) {
    const m = one.exec(rest);
    if (!m || m[0].length === 0) {
      throw new Error(`cannot read matcher at "${rest.slice(0, 30)}": write name="value", name!="value", name=~"regex" or name!~"regex"`);
    }
    const value = m[3] !== undefined ? (JSON.parse(`"${m[3]}"`) as string) : m[4].trim();
    const parsed = ZMatcher.safeParse({ name: m[1], op: m[2], value });
    if (!parsed.success) throw new Error(`${m[1]}: ${parsed.error.issues[0].message}`);
    out.push(parsed.data);
    rest = rest.slice(m[0].length).trim();
  }
  return out;
}
