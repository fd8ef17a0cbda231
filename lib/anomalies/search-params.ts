/**
 * Query strings as zod input: a key given once is a string, a key repeated is an array of its
 * values (`?status=OPEN&status=ACKNOWLEDGED` keeps both). Isomorphic.
 */
import { z } from "zod";

export function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** A repeatable key: one value or many, always an array after parsing; empty values are dropped. */
export function many<T extends z.ZodType<unknown, string>>(item: T, max = 50) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== ""))
    .pipe(z.array(item).max(max));
}

/** The inverse for links and fetches: arrays become repeated keys, empty values are left out. */
export function objectToSearchParams(obj: Record<string, string | number | readonly string[] | undefined | null>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const x of v) params.append(k, x);
    else params.set(k, String(v));
  }
  return params;
}
