/**
 * Fixed-capacity FIFO over a Float64Array: no allocation per push, which keeps the streaming
 * detectors' hot path allocation-free. Serialized oldest-first as a plain array.
 */
export class RingBuffer {
  readonly capacity: number;
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity: number, values: readonly number[] = []) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.capacity = capacity;
    this.buf = new Float64Array(capacity);
    for (const v of values.slice(-capacity)) this.push(v);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Appends x; returns the evicted oldest value, or NaN when nothing was evicted (values are finite). */
  push(x: number): number {
    if (this.count < this.capacity) {
      this.buf[(this.head + this.count) % this.capacity] = x;
      this.count++;
      return NaN;
    }
    const evicted = this.buf[this.head];
    this.buf[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    return evicted;
  }

  /** i = 0 is the oldest element. */
  get(i: number): number {
    return this.buf[(this.head + i) % this.capacity];
  }

  /** k = 0 is the newest element. */
  last(k = 0): number {
    return this.buf[(this.head + this.count - 1 - k) % this.capacity];
  }

  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.get(i);
    return out;
  }
}
