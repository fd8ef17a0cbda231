/**
 * A one-layer LSTM with a linear read-out, on one flat Float64Array of parameters, trained by
 * backpropagation through time over fixed windows (truncated BPTT: every window starts from a zero
 * state) with Adam. Forecasts the next vector from a window of `steps` vectors; the loss is the squared
 * error of the forecasts from step `burnIn` on (earlier steps have too little context).
 *
 * Layout: gate weights W (4H × (d + H), row-major, gates i, f, g, o), gate biases (4H), read-out Wy
 * (d × H), read-out bias (d). Buffers are allocated once: training and scoring allocate nothing per window.
 */
import type { Rng } from "@/lib/detection/random";

/** Gradient norm above which a window's gradient is scaled down (exploding gradients in BPTT). */
const CLIP_NORM = 5;

export class LstmNet {
  readonly params: Float64Array;
  private grads: Float64Array;
  private m: Float64Array;
  private v: Float64Array;
  private adamSteps = 0;
  readonly cols: number;
  private offB: number;
  private offWy: number;
  private offBy: number;
  /** Per step: gate activations (4H), cell c and tanh(c), hidden h, forecast y. */
  private gates: Float64Array;
  private cell: Float64Array;
  private tanhC: Float64Array;
  private hidden: Float64Array;
  readonly forecast: Float64Array;
  private dz: Float64Array;
  private dhNext: Float64Array;
  private dcNext: Float64Array;

  constructor(
    readonly inputs: number,
    readonly units: number,
    readonly steps: number,
    params?: ArrayLike<number>,
  ) {
    const d = inputs;
    const H = units;
    this.cols = d + H;
    this.offB = 4 * H * this.cols;
    this.offWy = this.offB + 4 * H;
    this.offBy = this.offWy + d * H;
    const n = this.offBy + d;
    this.params = params ? Float64Array.from(params) : new Float64Array(n);
    if (this.params.length !== n) throw new Error(`LSTM: expected ${n} parameters, got ${this.params.length}`);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.gates = new Float64Array(steps * 4 * H);
    this.cell = new Float64Array(steps * H);
    this.tanhC = new Float64Array(steps * H);
    this.hidden = new Float64Array(steps * H);
    this.forecast = new Float64Array(steps * d);
    this.dz = new Float64Array(4 * H);
    this.dhNext = new Float64Array(H);
    this.dcNext = new Float64Array(H);
  }

  /** Uniform(±1/√H) as PyTorch does, forget-gate bias 1 (remember by default), from the seeded generator. */
  initialize(rng: Rng): void {
    const a = 1 / Math.sqrt(this.units);
    for (let i = 0; i < this.params.length; i++) this.params[i] = (2 * rng.next() - 1) * a;
    const H = this.units;
    for (let j = 0; j < H; j++) this.params[this.offB + H + j] = 1;
  }

  /**
   * Runs the window x[off .. off + steps·d) (row-major vectors) from a zero state. Returns the forecast
   * of the vector after the window (a view into `forecast`, valid until the next call).
   */
  forward(x: ArrayLike<number>, off: number): Float64Array {
    const { inputs: d, units: H, cols, params: p, offB, offWy, offBy, gates, cell, tanhC, hidden, forecast } = this;
    const H4 = 4 * H;
    for (let t = 0; t < this.steps; t++) {
      const xo = off + t * d;
      const g = t * H4;
      const hp = (t - 1) * H;
      for (let r = 0; r < H4; r++) {
        let z = p[offB + r];
        const w = r * cols;
        for (let k = 0; k < d; k++) z += p[w + k] * x[xo + k];
        if (t > 0) {
          const wh = w + d;
          for (let k = 0; k < H; k++) z += p[wh + k] * hidden[hp + k];
        }
        gates[g + r] = r >= 2 * H && r < 3 * H ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
      }
      const h0 = t * H;
      for (let j = 0; j < H; j++) {
        const c = (t > 0 ? gates[g + H + j] * cell[hp + j] : 0) + gates[g + j] * gates[g + 2 * H + j];
        const tc = Math.tanh(c);
        cell[h0 + j] = c;
        tanhC[h0 + j] = tc;
        hidden[h0 + j] = gates[g + 3 * H + j] * tc;
      }
      for (let k = 0; k < d; k++) {
        let y = p[offBy + k];
        const w = offWy + k * H;
        for (let j = 0; j < H; j++) y += p[w + j] * hidden[h0 + j];
        forecast[t * d + k] = y;
      }
    }
    return forecast.subarray((this.steps - 1) * d, this.steps * d);
  }

  /**
   * Forward and backward over a window of steps + 1 vectors at x[off..): step t forecasts vector t + 1.
   * Accumulates gradients of scale · ½Σ(error²) over steps >= burnIn; returns that loss (unscaled).
   */
  accumulate(x: ArrayLike<number>, off: number, burnIn: number, scale: number): number {
    const { inputs: d, units: H, cols, params: p, grads: gr, offB, offWy, offBy, dz, dhNext, dcNext } = this;
    const { gates, cell, tanhC, hidden, forecast } = this;
    this.forward(x, off);
    let loss = 0;
    dhNext.fill(0);
    dcNext.fill(0);
    for (let t = this.steps - 1; t >= 0; t--) {
      const g = t * 4 * H;
      const hp = (t - 1) * H;
      // Read-out: dy = forecast - target, into dh.
      if (t >= burnIn) {
        for (let k = 0; k < d; k++) {
          const e = forecast[t * d + k] - x[off + (t + 1) * d + k];
          loss += 0.5 * e * e;
          const dy = e * scale;
          gr[offBy + k] += dy;
          const w = offWy + k * H;
          for (let j = 0; j < H; j++) {
            gr[w + j] += dy * hidden[t * H + j];
            dhNext[j] += dy * p[w + j];
          }
        }
      }
      for (let j = 0; j < H; j++) {
        const i = gates[g + j];
        const f = gates[g + H + j];
        const gg = gates[g + 2 * H + j];
        const o = gates[g + 3 * H + j];
        const tc = tanhC[t * H + j];
        const dh = dhNext[j];
        const dc = dh * o * (1 - tc * tc) + dcNext[j];
        const cPrev = t > 0 ? cell[hp + j] : 0;
        dz[j] = dc * gg * i * (1 - i);
        dz[H + j] = dc * cPrev * f * (1 - f);
        dz[2 * H + j] = dc * i * (1 - gg * gg);
        dz[3 * H + j] = dh * tc * o * (1 - o);
        dcNext[j] = dc * f;
      }
      dhNext.fill(0);
      for (let r = 0; r < 4 * H; r++) {
        const dzr = dz[r];
        if (dzr === 0) continue;
        gr[offB + r] += dzr;
        const w = r * cols;
        for (let k = 0; k < d; k++) gr[w + k] += dzr * x[off + t * d + k];
        if (t > 0) {
          for (let k = 0; k < H; k++) {
            gr[w + d + k] += dzr * hidden[hp + k];
            dhNext[k] += dzr * p[w + d + k];
          }
        }
      }
    }
    return loss;
  }

  /** One Adam step with the accumulated gradients (clipped to a global norm of 5), then clears them. */
  adamStep(lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
    const { params, grads, m, v } = this;
    let norm = 0;
    for (let i = 0; i < grads.length; i++) norm += grads[i] * grads[i];
    norm = Math.sqrt(norm);
    const clip = norm > CLIP_NORM ? CLIP_NORM / norm : 1;
    this.adamSteps++;
    const c1 = 1 - Math.pow(beta1, this.adamSteps);
    const c2 = 1 - Math.pow(beta2, this.adamSteps);
    for (let i = 0; i < params.length; i++) {
      const g = grads[i] * clip;
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
    grads.fill(0);
  }
}
