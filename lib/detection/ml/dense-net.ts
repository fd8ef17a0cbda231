/**
 * A small fully connected network on one flat Float64Array of parameters (per layer: weights
 * out×in row-major, then biases). tanh on hidden layers, linear output, squared-error loss, Adam.
 * Buffers are allocated once per network so training and scoring allocate nothing per sample.
 */
import type { Rng } from "@/lib/detection/random";

export class DenseNet {
  readonly params: Float64Array;
  private grads: Float64Array;
  private m: Float64Array;
  private v: Float64Array;
  private step = 0;
  private offsets: number[] = [];
  /** Activations per layer; acts[0] is the input copy, acts[L] the output. */
  readonly acts: Float64Array[];
  private deltas: Float64Array[];

  constructor(
    readonly sizes: number[],
    params?: ArrayLike<number>,
  ) {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.offsets.push(n);
      n += sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
    this.params = params ? Float64Array.from(params) : new Float64Array(n);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.acts = sizes.map((s) => new Float64Array(s));
    this.deltas = sizes.map((s) => new Float64Array(s));
  }

  /** Glorot-uniform weights from the seeded generator, zero biases. */
  initialize(rng: Rng): void {
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const a = Math.sqrt(6 / (nIn + nOut));
      const off = this.offsets[l];
      for (let i = 0; i < nIn * nOut; i++) this.params[off + i] = (2 * rng.next() - 1) * a;
      this.params.fill(0, off + nIn * nOut, off + nIn * nOut + nOut);
    }
  }

  /** Forward pass of x[off..off+sizes[0]); the output is left in acts[last]. */
  forward(x: Float64Array, off: number): Float64Array {
    const L = this.sizes.length - 1;
    const a0 = this.acts[0];
    for (let i = 0; i < a0.length; i++) a0[i] = x[off + i];
    for (let l = 0; l < L; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const input = this.acts[l];
      const out = this.acts[l + 1];
      const p = this.params;
      const wOff = this.offsets[l];
      const bOff = wOff + nIn * nOut;
      const hidden = l + 1 < L;
      for (let o = 0; o < nOut; o++) {
        let s = p[bOff + o];
        const row = wOff + o * nIn;
        for (let i = 0; i < nIn; i++) s += p[row + i] * input[i];
        out[o] = hidden ? Math.tanh(s) : s;
      }
    }
    return this.acts[L];
  }

  /** Accumulates the gradient of mean squared error against `target` (after forward); returns the loss. */
  backward(target: Float64Array, off: number, scale: number): number {
    const L = this.sizes.length - 1;
    const out = this.acts[L];
    const dOut = this.deltas[L];
    let loss = 0;
    for (let i = 0; i < out.length; i++) {
      const e = out[i] - target[off + i];
      loss += e * e;
      dOut[i] = (2 * e * scale) / out.length;
    }
    for (let l = L - 1; l >= 0; l--) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      const input = this.acts[l];
      const dNext = this.deltas[l + 1];
      const dHere = this.deltas[l];
      const wOff = this.offsets[l];
      const bOff = wOff + nIn * nOut;
      const g = this.grads;
      const p = this.params;
      dHere.fill(0);
      for (let o = 0; o < nOut; o++) {
        const d = dNext[o];
        g[bOff + o] += d;
        const row = wOff + o * nIn;
        for (let i = 0; i < nIn; i++) {
          g[row + i] += d * input[i];
          dHere[i] += d * p[row + i];
        }
      }
      // Layer l's activations are tanh outputs (except the input layer): d tanh = 1 - a².
      if (l > 0) for (let i = 0; i < nIn; i++) dHere[i] *= 1 - input[i] * input[i];
    }
    return loss / out.length;
  }

  /** One Adam step with the accumulated gradients, then clears them. */
  adamStep(lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): void {
    this.step++;
    const c1 = 1 - Math.pow(beta1, this.step);
    const c2 = 1 - Math.pow(beta2, this.step);
    const { params, grads, m, v } = this;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
    grads.fill(0);
  }
}
