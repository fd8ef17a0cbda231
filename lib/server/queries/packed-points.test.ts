import { describe, expect, it } from "vitest";
import { unpackPoints } from "@/lib/server/queries/packed-points";

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** What `timestamptz_send(ts) || float8send(value)` sends for each point. */
function pack(points: [us: bigint, value: number][]): Buffer {
  const buf = Buffer.alloc(points.length * 16);
  points.forEach(([us, value], i) => {
    buf.writeBigInt64BE(us, i * 16);
    buf.writeDoubleBE(value, i * 16 + 8);
  });
  return buf;
}
const usOf = (ms: number) => (BigInt(ms) - BigInt(PG_EPOCH_MS)) * 1000n;

describe("unpackPoints", () => {
  it("reads times and values exactly, before and after 2000 and far from it", () => {
    const ms = [Date.UTC(1969, 11, 31, 23, 59, 59, 999), PG_EPOCH_MS - 1, PG_EPOCH_MS, Date.UTC(2026, 0, 5, 0, 0, 0, 1), 8.64e15];
    const values = [-0, NaN, Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2];
    const out = unpackPoints(pack(ms.map((t, i) => [usOf(t), values[i]])));
    expect(out.ms).toEqual(ms);
    out.values.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
  });

  it("maps PostgreSQL's infinite timestamps to ±Infinity", () => {
    expect(unpackPoints(pack([[-0x8000000000000000n, 1], [0x7fffffffffffffffn, 2]])).ms).toEqual([-Infinity, Infinity]);
  });

  it("returns descending pages and unordered input in time order", () => {
    const points: [bigint, number][] = [[usOf(3000), 3], [usOf(1000), 1], [usOf(2000), 2]];
    expect(unpackPoints(pack(points))).toEqual({ ms: [1000, 2000, 3000], values: [1, 2, 3] });
    expect(unpackPoints(pack([points[0], points[2], points[1]]), true)).toEqual({ ms: [1000, 2000, 3000], values: [1, 2, 3] });
  });

  it("reads an empty page as no points and rejects a torn buffer", () => {
    expect(unpackPoints(null)).toEqual({ ms: [], values: [] });
    expect(() => unpackPoints(Buffer.alloc(17))).toThrow(/17 bytes/);
  });
});
