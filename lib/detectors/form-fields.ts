/**
 * JSON schema of an algorithm's params -> form fields, and form values -> params. Scalars get
 * their own inputs; nested objects and arrays (ensemble members, likelihood) are edited as JSON.
 */
import type { JsonSchema } from "@/lib/detectors/schemas";

export type FieldKind = "number" | "integer" | "boolean" | "enum" | "string" | "json";

export interface FormField {
  name: string;
  kind: FieldKind;
  label: string;
  description?: string;
  defaultValue: unknown;
  nullable: boolean;
  min?: number;
  max?: number;
  options?: string[];
}

/** "minPoints" -> "Min points", "L" -> "L". */
export function labelFor(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").split(" ");
  return words.map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w.length > 1 && w !== w.toUpperCase() ? w.toLowerCase() : w)).join(" ");
}

function kindOf(s: JsonSchema): { kind: FieldKind; nullable: boolean } {
  const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []).filter((t) => t !== "null");
  const nullable = Array.isArray(s.type) && s.type.includes("null");
  if (s.enum && s.enum.every((v) => typeof v === "string")) return { kind: "enum", nullable };
  if (types.length !== 1) return { kind: "json", nullable };
  const t = types[0];
  if (t === "integer" || t === "number" || t === "boolean" || t === "string") return { kind: t, nullable };
  return { kind: "json", nullable };
}

const limit = (inclusive?: number, exclusive?: number) => inclusive ?? exclusive;
const SAFE = Number.MAX_SAFE_INTEGER;

export function toFormFields(schema: JsonSchema): FormField[] {
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const { kind, nullable } = kindOf(s);
    const min = limit(s.minimum, s.exclusiveMinimum);
    const max = limit(s.maximum, s.exclusiveMaximum);
    return {
      name,
      kind,
      label: labelFor(name),
      description: s.description,
      defaultValue: s.default,
      nullable,
      ...(min !== undefined && Math.abs(min) < SAFE ? { min } : {}),
      ...(max !== undefined && Math.abs(max) < SAFE ? { max } : {}),
      ...(kind === "enum" ? { options: s.enum as string[] } : {}),
    };
  });
}

/** Form state is strings (and booleans) so a half-typed number is never coerced behind the user's back. */
export type FormValues = Record<string, string | boolean>;

export function toFormValues(fields: FormField[], params: Record<string, unknown> = {}): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = Object.hasOwn(params, f.name) ? params[f.name] : f.defaultValue;
    if (f.kind === "boolean") out[f.name] = Boolean(v);
    else if (f.kind === "json") out[f.name] = v === undefined ? "" : JSON.stringify(v, null, 2);
    else out[f.name] = v === undefined || v === null ? "" : String(v);
  }
  return out;
}

export interface ParamsResult {
  params: Record<string, unknown>;
  /** Client-side problems (unparsable JSON); range checks are the server's, via 422 issues. */
  errors: Record<string, string>;
}

/** Empty inputs are left out (the server applies the default), or sent as null when the field allows it. */
export function toParams(fields: FormField[], values: FormValues): ParamsResult {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.kind === "boolean") {
      params[f.name] = Boolean(v);
      continue;
    }
    const text = typeof v === "string" ? v.trim() : "";
    if (text === "") {
      if (f.nullable) params[f.name] = null;
      continue;
    }
    if (f.kind === "number" || f.kind === "integer") {
      const n = Number(text);
      if (Number.isNaN(n)) errors[f.name] = "Enter a number";
      else params[f.name] = n;
    } else if (f.kind === "json") {
      try {
        params[f.name] = JSON.parse(text);
      } catch {
        errors[f.name] = "Enter valid JSON";
      }
    } else params[f.name] = text;
  }
  return { params, errors };
}

/** API issues (`params.window`) -> messages per form field (`window`); other paths stay as they are. */
export function issuesByField(issues: { path: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues ?? []) {
    const key = i.path.startsWith("params.") ? `params.${i.path.split(".")[1]}` : i.path;
    out[key] ??= i.message;
  }
  return out;
}

/** Recent scores a calibrated kind judges rarity against (lib/detection/common/calibration.ts). */
export const CALIBRATION_WINDOW = 1000;

/**
 * The calibration window when the form's detector scores on the calibrated scale (lib/detection
 * README, "Score scale"): its kind has a `calibration` parameter the form does not turn off. Null otherwise.
 */
export function calibratedWindow(fields: FormField[], values: FormValues): number | null {
  if (!fields.some((f) => f.name === "calibration")) return null;
  const text = values.calibration;
  if (typeof text !== "string" || !text.trim()) return CALIBRATION_WINDOW;
  try {
    const c = JSON.parse(text) as { enabled?: unknown; window?: unknown } | null;
    if (c?.enabled === false) return null;
    return typeof c?.window === "number" && c.window > 0 ? c.window : CALIBRATION_WINDOW;
  } catch {
    return CALIBRATION_WINDOW;
  }
}
