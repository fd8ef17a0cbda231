/** The plain sentence that says why an anomaly was flagged, from what its row holds. Pure. */

export interface ExplainInput {
  actual: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  pointCount: number;
  peakScore: number;
  threshold: number;
  ongoing?: boolean;
  /** The ensemble member that drove the score, when there is one. */
  driver?: { kind: string; score: number } | null;
}

export function formatReading(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (x !== 0 && Math.abs(x) < 0.01) return x.toExponential(2);
  return x.toPrecision(3);
}

const points = (n: number, ongoing?: boolean) => `${ongoing ? "so far " : ""}for ${n} point${n === 1 ? "" : "s"}`;

export function explainAnomaly(a: ExplainInput): string {
  const score = `score ${a.peakScore.toFixed(2)}, threshold ${a.threshold.toFixed(2)}`;
  const driver = a.driver ? `, driven by ${a.driver.kind} (${a.driver.score.toFixed(2)})` : "";
  if (a.actual === null) return `Scored ${a.peakScore.toFixed(2)} at its peak, at or above the threshold ${a.threshold.toFixed(2)}, ${points(a.pointCount, a.ongoing)}${driver}.`;
  const band = a.lower !== null && a.upper !== null ? ` (normal ${formatReading(a.lower)} to ${formatReading(a.upper)})` : "";
  if (a.expected === null) return `${formatReading(a.actual)} was flagged ${points(a.pointCount, a.ongoing)}${band}; ${score}${driver}.`;
  const side = a.actual > a.expected ? "above" : a.actual < a.expected ? "below" : "at";
  return `${formatReading(a.actual)} is ${side} the expected ${formatReading(a.expected)}${band} ${points(a.pointCount, a.ongoing)}; ${score}${driver}.`;
}
