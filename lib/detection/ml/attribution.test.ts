/**
 * Attribution of multivariate scores (README "Attribution"): shares sum to 1, the moved feature leads,
 * the direction follows the move, and each model's contribution matches its definition computed by hand.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import type { DetectorDefinition, Observation } from "@/lib/detection/types";
import { autoencoder } from "./autoencoder";
import { dbscan } from "./dbscan";
import { gaussianMixture } from "./gaussian-mixture";
import { oneClassSvm } from "./one-class-svm";
import { pca } from "./pca";
import { topFeatures } from "./common/attribution";
import { isolationForest } from "./isolation-forest";
import { IsolationForestModel } from "./isolation-forest-model";
import { kmeans } from "./kmeans";
import { lof } from "./lof";
import { LofModel } from "./lof-model";

/** Four correlated features: a shared seasonal driver plus small independent noise. */
function group(n: number, seed: number, t0 = 0): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = Math.sin((2 * Math.PI * (t0 + i)) / 50);
    return { t: t0 + i, values: [0, 1, 2, 3].map((f) => (f + 1) * s + 0.1 * rng.normal()) };
  });
}

const cases: [DetectorDefinition, Record<string, unknown>][] = [
  [isolationForest, {}],
  [lof, { k: 10 }],
  [kmeans, { k: 6 }],
  [autoencoder, { epochs: 20, hidden: 8, bottleneck: 1 }],
];

describe.each(cases)("$kind attribution", { timeout: 60_000 }, (def, raw) => {
  const params = def.params.parse({ ...raw, calibration: { enabled: false } });
  const trained = () => {
    const det = def.create(params);
    det.train!(group(1000, 1));
    return det;
  };

  it("puts the moved feature first, with its direction, and shares summing to 1", () => {
    const det = trained();
    const live = group(40, 2, 1000);
    for (const o of live.slice(0, 20)) {
      const a = det.update(o).attribution!;
      expect(a).toHaveLength(4);
      expect(a.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 12);
    }
    for (const [k, f, delta, dir] of [
      [0, 2, 3, "above"],
      [1, 0, -1.5, "below"],
    ] as const) {
      const o = live[20 + k];
      const values = o.values.map((v, i) => (i === f ? v + delta : v));
      const r = det.update({ t: o.t, values });
      expect(topFeatures(r.attribution!, 1)).toEqual([f]);
      expect(r.attribution![f].direction).toBe(dir);
    }
  });
});

describe.each([pca, gaussianMixture, dbscan, oneClassSvm] as DetectorDefinition[])("$kind lazy attribution", (def) => {
  it("is computed on first read from its own row: read late, read at once and through JSON agree", () => {
    const params = def.params.parse({ calibration: { enabled: false } });
    const a = def.create(params);
    a.train!(group(600, 3));
    const b = def.create(params, structuredClone(a.getState()));
    const live = group(60, 4, 600).map((o, i) => (i % 10 === 5 ? { ...o, values: o.values.map((v, j) => (j === i % 4 ? v + 2 : v)) } : o));
    const late = live.map((o) => a.update(o));
    const atOnce = live.map((o) => {
      const r = b.update(o);
      return { ...r, attribution: r.attribution };
    });
    expect(late.map((r) => r.attribution)).toEqual(atOnce.map((r) => r.attribution));
    expect(JSON.parse(JSON.stringify(late))).toEqual(JSON.parse(JSON.stringify(atOnce)));
    expect(late[0].attribution).toHaveLength(4);
    expect(late[0].attribution).toBe(late[0].attribution);
  });
});

describe("per-model definitions, by hand", () => {
  it("isolation forest: a tree's bits sum to log2(psi / leaf size), weighted by 1 / path length", () => {
    const rng = createRng(5);
    const x = Float64Array.from({ length: 64 * 3 }, () => rng.normal());
    const model = IsolationForestModel.fit(x, 64, 3, 1, 64, createRng(6));
    const q = Float64Array.from([4, 0, 0]);
    const contrib = new Float64Array(3);
    const side = new Float64Array(3);
    model.attribute(q, 0, contrib, side);
    const json = model.toJSON();
    // Walk the single tree by hand from its JSON.
    let node = 0;
    let depth = 0;
    while (json.feature[node] >= 0) {
      node = json.left[node] + (q[json.feature[node]] >= json.threshold[node] ? 1 : 0);
      depth++;
    }
    const leafSize = json.size[node];
    const c = leafSize <= 1 ? 0 : leafSize === 2 ? 1 : 2 * (Math.log(leafSize - 1) + 0.5772156649015329) - (2 * (leafSize - 1)) / leafSize;
    const h = depth + c;
    expect(contrib.reduce((s, v) => s + v, 0)).toBeCloseTo(Math.log2(64 / leafSize) / Math.max(1, h), 12);
    expect(model.pathLength(q)).toBeCloseTo(h, 12);
  });

  it("LOF: each feature's mean squared difference to the k neighbours, and the mean deviation", () => {
    // Unit square, k = 2: the query (3, 0.5) has neighbours (1, 0) and (1, 1).
    const model = new LofModel(2, 2, Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]));
    const q = Float64Array.from([3, 0.5]);
    model.score(q);
    const contrib = new Float64Array(2);
    const dev = new Float64Array(2);
    model.neighbourDeviation(q, 0, contrib, dev);
    expect(Array.from(contrib)).toEqual([4, 0.25]);
    expect(Array.from(dev)).toEqual([2, 0]);
  });
});
