/**
 * Points of a group's members -> one value vector per time step. Pure, so the worker, backfill,
 * training and the preview align the same points the same way.
 *
 * A step is [start, start + step). A member's value in a step is its last, mean, min or max point
 * there (in time order). A member with no point in a step takes its previous value (`impute`: its
 * last point before the step) or the step is not scored (`skip`; also when there is nothing to
 * impute yet). A step no member has a point in is no step.
 */
import type { Grouping } from "@/lib/detectors/grouping";

export interface MemberPoint {
  t: number;
  value: number;
}

export interface AlignedStep {
  t: number;
  values: number[];
}

export const stepStart = (t: number, stepMs: number) => Math.floor(t / stepMs) * stepMs;

function aggregate(values: number[], how: Grouping["aggregate"]): number {
  switch (how) {
    case "last":
      return values[values.length - 1];
    case "min":
      return values.reduce((a, b) => Math.min(a, b));
    case "max":
      return values.reduce((a, b) => Math.max(a, b));
    case "mean": {
      let sum = 0;
      for (const v of values) sum += v;
      return sum / values.length;
    }
  }
}

/**
 * `points[i]`: member i's points in time order, all within the steps being aligned. `before[i]`:
 * member i's last value before them (null when none). Returns the scored steps in time order.
 */
export function alignSteps(
  points: readonly (readonly MemberPoint[])[],
  before: readonly (number | null)[],
  opts: Pick<Grouping, "stepSeconds" | "aggregate" | "missing">,
): AlignedStep[] {
  const stepMs = opts.stepSeconds * 1000;
  const buckets = new Map<number, number[][]>();
  points.forEach((list, i) => {
    for (const p of list) {
      const b = stepStart(p.t, stepMs);
      let cell = buckets.get(b);
      if (!cell) buckets.set(b, (cell = points.map(() => [])));
      cell[i].push(p.value);
    }
  });
  const last = [...before];
  const out: AlignedStep[] = [];
  for (const b of [...buckets.keys()].sort((x, y) => x - y)) {
    const cell = buckets.get(b)!;
    const values: number[] = [];
    let complete = true;
    cell.forEach((vs, i) => {
      if (vs.length > 0) {
        values.push(aggregate(vs, opts.aggregate));
        last[i] = vs[vs.length - 1];
      } else if (opts.missing === "impute" && last[i] !== null) values.push(last[i]!);
      else complete = false;
    });
    if (complete) out.push({ t: b, values });
  }
  return out;
}
