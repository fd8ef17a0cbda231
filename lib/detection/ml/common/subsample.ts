/** Seeded row subsampling for models that keep a bounded reference set of training rows. */
import type { Rng } from "@/lib/detection/random";

/** Keeps at most `max` rows of the row-major `x` (rows × w), drawn without replacement, in their original order. */
export function subsampleRows(x: Float64Array, rows: number, w: number, max: number, rng: Rng): { x: Float64Array; rows: number } {
  if (rows <= max) return { x: x.slice(0, rows * w), rows };
  const perm = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(rows - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const keep = perm.subarray(0, max).sort();
  const out = new Float64Array(max * w);
  for (let i = 0; i < max; i++) out.set(x.subarray(keep[i] * w, keep[i] * w + w), i * w);
  return { x: out, rows: max };
}
