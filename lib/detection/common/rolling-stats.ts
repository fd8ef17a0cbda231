/**
 * Mean and variance: unbounded (Welford) and over a sliding window (Welford with replacement).
 * Running sums are part of the serialized state, so a restored detector continues bit-for-bit.
 */
import { RingBuffer } from "./ring-buffer";

export interface RunningStatsState {
  n: number;
  mean: number;
  m2: number;
}

export class RunningStats {
  n = 0;
  mean = 0;
  private m2 = 0;

  constructor(state?: RunningStatsState) {
    if (state) ({ n: this.n, mean: this.mean, m2: this.m2 } = state);
  }

  push(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  /** Sample variance (n - 1); 0 until two values are seen. */
  variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : 0;
  }

  std(): number {
    return Math.sqrt(this.variance());
  }

  getState(): RunningStatsState {
    return { n: this.n, mean: this.mean, m2: this.m2 };
  }
}

export interface RollingStatsState {
  window: number;
  values: number[];
  mean: number;
  m2: number;
  sinceRecompute: number;
}

export class RollingStats {
  private readonly ring: RingBuffer;
  mean = 0;
  private m2 = 0;
  // Replacement updates drift slowly in floating point; an exact recompute every `window` pushes bounds it.
  private sinceRecompute = 0;

  constructor(window: number, state?: RollingStatsState) {
    this.ring = new RingBuffer(window, state?.values);
    if (state) ({ mean: this.mean, m2: this.m2, sinceRecompute: this.sinceRecompute } = state);
  }

  get size(): number {
    return this.ring.size;
  }

  get full(): boolean {
    return this.ring.full;
  }

  push(x: number): void {
    const y = this.ring.push(x);
    if (Number.isNaN(y)) {
      const n = this.ring.size;
      const d = x - this.mean;
      this.mean += d / n;
      this.m2 += d * (x - this.mean);
    } else {
      const oldMean = this.mean;
      this.mean += (x - y) / this.ring.capacity;
      this.m2 += (x - y) * (x - this.mean + y - oldMean);
      if (this.m2 < 0) this.m2 = 0;
    }
    if (++this.sinceRecompute >= this.ring.capacity) this.recompute();
  }

  private recompute(): void {
    this.sinceRecompute = 0;
    const n = this.ring.size;
    let s = 0;
    for (let i = 0; i < n; i++) s += this.ring.get(i);
    const mean = s / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.ring.get(i) - mean;
      m2 += d * d;
    }
    this.mean = mean;
    this.m2 = m2;
  }

  variance(): number {
    const n = this.ring.size;
    return n > 1 ? this.m2 / (n - 1) : 0;
  }

  std(): number {
    return Math.sqrt(this.variance());
  }

  getState(): RollingStatsState {
    return {
      window: this.ring.capacity,
      values: this.ring.toArray(),
      mean: this.mean,
      m2: this.m2,
      sinceRecompute: this.sinceRecompute,
    };
  }
}
