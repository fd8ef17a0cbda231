import { describe, expect, it } from "vitest";
import { MAX_TRAINING_POINTS, needsTraining, trainingSplit, trainingWindow } from "./training";

const H = 3_600_000;
const pts = (n: number, from = 0, step = 60_000) => Array.from({ length: n }, (_, i) => ({ t: from + i * step, value: i }));

describe("needsTraining", () => {
  it("follows the algorithm, and an ensemble's members at any depth", () => {
    expect(needsTraining("isolation-forest")).toBe(true);
    expect(needsTraining("zscore")).toBe(false);
    expect(needsTraining("no-such-kind")).toBe(false);
    expect(needsTraining("ensemble", { members: [{ kind: "zscore", params: {} }] })).toBe(false);
    expect(needsTraining("ensemble", { members: [{ kind: "zscore" }, { kind: "lof", params: {} }] })).toBe(true);
    expect(needsTraining("ensemble", { members: [{ kind: "ensemble", params: { members: [{ kind: "kmeans" }] } }] })).toBe(true);
  });
});

describe("trainingWindow", () => {
  it("keeps the points after watermark - hours, at most MAX_TRAINING_POINTS", () => {
    const history = pts(300); // 5 hours of minutes
    const w = trainingWindow(history, 2);
    expect(w[0].t).toBe(history.at(-1)!.t - 2 * H + 60_000);
    expect(w).toHaveLength(120);
    expect(trainingWindow(history, null)).toHaveLength(300); // default week
    expect(trainingWindow(pts(MAX_TRAINING_POINTS + 10, 0, 1000), null)).toHaveLength(MAX_TRAINING_POINTS);
    expect(trainingWindow([], 5)).toEqual([]);
  });
});

describe("trainingSplit", () => {
  const history = pts(300);
  const points = pts(100, 300 * 60_000);

  it("trains on the window ending before the scored range and scores the whole range", () => {
    const s = trainingSplit({ algorithm: "kmeans", trainingWindowHours: 1 }, history, points);
    expect(s.train).toEqual(history.slice(240));
    expect(s.score).toEqual(points);
  });

  it("warms a detector that does not train on the history", () => {
    const s = trainingSplit({ algorithm: "zscore" }, history, points);
    expect(s.train).toEqual([]);
    expect(s.score).toEqual([...history, ...points]);
  });

  it("without history, trains on the range's first hours, at most half of it", () => {
    expect(trainingSplit({ algorithm: "lof", trainingWindowHours: 1 }, [], history).train).toEqual(history.slice(0, 60));
    const s = trainingSplit({ algorithm: "lof", trainingWindowHours: 24 }, [], points);
    expect(s.train).toEqual(points.slice(0, 50));
    expect(s.score).toEqual(points.slice(50));
  });
});
