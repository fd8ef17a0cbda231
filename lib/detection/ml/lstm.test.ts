import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import type { Observation } from "@/lib/detection/types";
import { topFeatures } from "./common/attribution";
import { lstm, lstmParams, trainLstm } from "./lstm";
import { LstmNet } from "./lstm-net";
import { sineSeries } from "./testing/synthetic";

const obsOf = (x: number[], t0 = 0): Observation[] => x.map((v, i) => ({ t: t0 + i * 1000, values: [v] }));

describe("LstmNet", () => {
  it("backpropagates through time: gradients match central differences", () => {
    const net = new LstmNet(2, 3, 4);
    net.initialize(createRng(1));
    const rng = createRng(2);
    const x = Float64Array.from({ length: 5 * 2 }, () => rng.normal());
    const loss = () => {
      // Forward-only loss of the same window: forecasts of steps >= 1 against the next vector.
      net.forward(x, 0);
      const f = (net as unknown as { forecast: Float64Array }).forecast;
      let s = 0;
      for (let t = 1; t < 4; t++) for (let k = 0; k < 2; k++) s += 0.5 * (f[t * 2 + k] - x[(t + 1) * 2 + k]) ** 2;
      return s;
    };
    const grads = (net as unknown as { grads: Float64Array }).grads;
    expect(net.accumulate(x, 0, 1, 1)).toBeCloseTo(loss(), 12);
    const analytic = Float64Array.from(grads);
    const h = 1e-6;
    for (let i = 0; i < net.params.length; i++) {
      const keep = net.params[i];
      net.params[i] = keep + h;
      const up = loss();
      net.params[i] = keep - h;
      const down = loss();
      net.params[i] = keep;
      expect(analytic[i]).toBeCloseTo((up - down) / (2 * h), 6);
    }
  });
});

describe("lstm", { timeout: 60_000 }, () => {
  it("learns a sine: training loss and live forecast error fall with training", () => {
    const series = sineSeries(1200, 3, 30, 0.02).map((v) => 10 + 3 * v);
    const history = obsOf(series.slice(0, 1000));
    const live = obsOf(series.slice(1000), 1000 * 1000);
    const errorAfter = (epochs: number) => {
      const det = lstm.create(lstmParams.parse({ epochs, seed: 7 }));
      det.train!(history);
      const res = live.map((o) => det.update(o));
      const err = res.reduce((s, r, i) => s + Math.abs(r.expected! - live[i].values[0]), 0) / res.length;
      return { err, loss: det.getState().model!.lossHistory };
    };
    const short = errorAfter(1);
    const long = errorAfter(12);
    expect(long.loss[long.loss.length - 1]).toBeLessThan(long.loss[0] / 3);
    expect(long.err).toBeLessThan(short.err);
    // A 3-amplitude sine forecast to within a small fraction of its range.
    expect(long.err).toBeLessThan(0.25);
  });

  it("scores a spike far above the regular points and names the broken member of a group", () => {
    const rng = createRng(5);
    const group = (i: number) => {
      const s = Math.sin((2 * Math.PI * i) / 25);
      return [s, 2 * s + 1, -s].map((v) => v + 0.05 * rng.normal());
    };
    const det = lstm.create(lstmParams.parse({ epochs: 10, seed: 1 }));
    det.train!(Array.from({ length: 800 }, (_, i) => ({ t: i, values: group(i) })));
    const normal = Array.from({ length: 50 }, (_, k) => det.update({ t: 800 + k, values: group(800 + k) }));
    const broken = group(850);
    broken[1] -= 1.5;
    const r = det.update({ t: 850, values: broken });
    expect(Math.max(...normal.map((n) => n.score))).toBeLessThan(r.score);
    expect(r.score).toBeGreaterThan(0.9);
    expect(topFeatures(r.attribution!, 1)).toEqual([1]);
    expect(r.attribution![1].direction).toBe("below");
    expect(r.attribution!.reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 12);
  });

  it("trains nothing on too short a history and keeps skipping as warm-up", () => {
    const x = new Float64Array(10);
    expect(trainLstm(x, 10, 1, lstmParams.parse({}), createRng(1))).toBeNull();
    const det = lstm.create(lstmParams.parse({}));
    det.train!(obsOf(Array.from({ length: 10 }, (_, i) => i)));
    expect(det.update({ t: 1e9, values: [1] }).skipped).toBe("warmup");
  });
});
