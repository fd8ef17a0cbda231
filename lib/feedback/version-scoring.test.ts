import { describe, expect, it } from "vitest";
import { createDetector } from "@/lib/detection";
import { previewEventsAt } from "@/lib/detectors/preview";
import { scoreWithVersion, warmUpAfter } from "@/lib/feedback/version-scoring";

const params = { window: 100, minPoints: 20, calibration: { enabled: false } };
const pts = (from: number, n: number, level: number) => Array.from({ length: n }, (_, k) => ({ t: from + k, value: level + ((from + k) % 7) / 7 }));

describe("scoring a period with a stored version", () => {
  // A version saved after 300 points at level 100; the series moved to 200 after it; the period (at 200) has one spike.
  const d = createDetector("zscore", params);
  for (const p of pts(0, 300, 100)) d.update({ t: p.t, values: [p.value] });
  const state = JSON.parse(JSON.stringify(d.getState()));
  const since = pts(300, 400, 200);
  const period = pts(700, 200, 200);
  period[100] = { ...period[100], value: 260 };

  it("warms the version on the points since its training ended, so only the spike is flagged", () => {
    const warm = scoreWithVersion("zscore", params, state, warmUpAfter([...pts(0, 300, 100), ...since], 299), period);
    expect(warm.points).toBe(period);
    expect(warm.scored).toHaveLength(200);
    expect(previewEventsAt(warm, 0.5).map((e) => [e.start, e.end])).toEqual([[800, 800]]);
    // It is the live detector's view: the version fed every point since, then the period.
    const live = createDetector("zscore", params, state);
    for (const p of since) live.update({ t: p.t, values: [p.value] });
    expect(warm.scored.map((s) => s.score)).toEqual(period.map((p) => live.update({ t: p.t, values: [p.value] }).score));
  });

  it("without the warm-up the stale level floods the period (the bug it fixes)", () => {
    const cold = scoreWithVersion("zscore", params, state, [], period);
    expect(previewEventsAt(cold, 0.5)[0]).toMatchObject({ start: 700 });
  });
});
