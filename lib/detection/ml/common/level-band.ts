/**
 * A robust running estimate of a univariate series' level, used for `expected`/`lower`/`upper` by the
 * detectors whose model has no natural forecast (isolation forest, LOF, random cut forest). The level is
 * an exponentially weighted mean with Huber-clipped updates (a spike moves it by at most 3 scales), the
 * scale an exponentially weighted mean absolute deviation converted to a normal-equivalent sigma.
 */
export interface BandState {
  level: number;
  scale: number;
  n: number;
}

export interface Band {
  expected: number;
  lower: number;
  upper: number;
}

const ALPHA = 0.05;
const CLIP = 3;
const BAND_WIDTH = 3;
/** Mean absolute deviation × √(π/2) = σ for normal data. */
const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

export function emptyBand(): BandState {
  return { level: 0, scale: 0, n: 0 };
}

/** Starts from the median and MAD of the training series so the first live points get a sensible band. */
export function bandFromSeries(series: number[]): BandState {
  if (series.length === 0) return emptyBand();
  const sorted = Float64Array.from(series).sort();
  const median = sorted[Math.floor(sorted.length / 2)];
  const dev = Float64Array.from(series, (v) => Math.abs(v - median)).sort();
  const mad = dev[Math.floor(dev.length / 2)] * 1.4826;
  return { level: median, scale: mad, n: series.length };
}

/** Returns the band before seeing x (what the estimate expected), then folds x in. */
export function updateBand(b: BandState, x: number): Band {
  const out: Band =
    b.n === 0
      ? { expected: x, lower: x, upper: x }
      : { expected: b.level, lower: b.level - BAND_WIDTH * b.scale, upper: b.level + BAND_WIDTH * b.scale };
  if (b.n === 0) {
    b.level = x;
    b.scale = 0;
  } else {
    const alpha = Math.max(ALPHA, 1 / (b.n + 1));
    const resid = x - b.level;
    const c = b.scale > 0 ? CLIP * b.scale : Infinity;
    const clipped = Math.max(-c, Math.min(c, resid));
    b.level += alpha * clipped;
    b.scale = (1 - alpha) * b.scale + alpha * Math.min(Math.abs(resid), c) * MAD_TO_SIGMA;
  }
  b.n++;
  return out;
}
