import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { autoencoder } from "./autoencoder";
import { rocAuc, sineSeries, toObservations } from "./testing/synthetic";

/** Points near a 1-D curve in 4-D: (u, u², sin 3u, -u) + noise. */
function onManifold(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const u = 2 * rng.next() - 1;
    return [u, u * u, Math.sin(3 * u), -u].map((v) => v + 0.02 * rng.normal());
  });
}

describe("autoencoder", { timeout: 60_000 }, () => {
  it("reduces the training loss substantially", () => {
    const det = autoencoder.create(autoencoder.params.parse({ epochs: 40 }));
    det.train!(toObservations(onManifold(1500, 1)));
    const losses = det.getState().model!.lossHistory;
    expect(losses).toHaveLength(40);
    expect(losses[39]).toBeLessThan(losses[0] / 5);
    expect(losses[39]).toBeLessThan(losses[10]);
  });

  it("scores off-manifold points far above on-manifold ones", () => {
    const det = autoencoder.create(autoencoder.params.parse({ epochs: 40, bottleneck: 2 }));
    det.train!(toObservations(onManifold(1500, 1)));
    const normal = onManifold(200, 2);
    const rng = createRng(3);
    // Same marginal ranges, but the coordinates no longer lie on the curve.
    const uniform = () => 2 * rng.next() - 1;
    const odd = Array.from({ length: 20 }, () => [uniform(), rng.next(), uniform(), uniform()]);
    const rows = [...normal, ...odd];
    const res = rows.map((values, i) => det.update({ t: 1e9 + i, values }));
    const meanRaw = (a: typeof res) => a.reduce((s, r) => s + r.raw, 0) / a.length;
    expect(meanRaw(res.slice(normal.length))).toBeGreaterThan(3 * meanRaw(res.slice(0, normal.length)));
    expect(rocAuc(res.map((r) => r.score), rows.map((_, i) => i >= normal.length))).toBeGreaterThan(0.95);
  });

  it("reconstructs the next value of a sine wave as its expected value", () => {
    const det = autoencoder.create(autoencoder.params.parse({ shingleSize: 10, epochs: 40 }));
    const series = sineSeries(3000, 1, 50, 0.02);
    det.train!(toObservations(series.map((v) => [v])));
    const next = Math.sin((2 * Math.PI * 3000) / 50);
    const r = det.update({ t: 1e12, values: [next] });
    expect(Math.abs(r.expected! - next)).toBeLessThan(0.15);
    expect(r.lower!).toBeLessThan(next);
    expect(r.upper!).toBeGreaterThan(next);
    expect(det.update({ t: 1e12 + 1, values: [3] }).score).toBeGreaterThan(0.9);
  });
});
