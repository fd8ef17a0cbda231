/**
 * Points sent by PostgreSQL as one bytea per page instead of a row (or array element) per point.
 * Formatting a float8 as text (`float8out`) was most of PostgreSQL's CPU on the detection path's
 * reads: each point is packed as its binary send forms instead, `timestamptz_send` (int8
 * microseconds since 2000-01-01) followed by `float8send` (the IEEE bits), 16 bytes, and the page
 * travels as one hex bytea. Exact bit for bit (NaN, -0, subnormals), and about half the backend CPU
 * of the text arrays (`npm run bench:point-reads`).
 *
 * The aggregate has no ORDER BY: its input is the page's `ORDER BY ts LIMIT n` subquery, already
 * in order, and sorting it again cost about a quarter of the read. `unpackPoints` checks the order and
 * sorts when it is not ascending, so the result does not depend on it (`ts` is unique per series).
 */

/** SQL: the packed points of a subquery's rows (`ts`, `value` columns of DataPoint), NULL when there are none. */
export const packPoints = (ts: string, value: string) => `string_agg(timestamptz_send(${ts}) || float8send(${value}), ''::bytea)`;

export interface PackedPoints {
  /** Epoch milliseconds, ascending. */
  ms: number[];
  values: number[];
}

const POINT_BYTES = 16;
/** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_US = 946_684_800_000_000;
const TWO_32 = 4_294_967_296;

/** An int8 timestamp (µs since 2000-01-01) as epoch ms; exact while |µs| < 2^53 (about ±285 years), else through BigInt. */
function readMs(buf: Buffer, at: number): number {
  const hi = buf.readInt32BE(at);
  if (hi >= -0x200000 && hi < 0x200000) return (hi * TWO_32 + buf.readUInt32BE(at + 4) + PG_EPOCH_US) / 1000;
  const us = buf.readBigInt64BE(at);
  if (us === 0x7fffffffffffffffn) return Infinity; // 'infinity'
  if (us === -0x8000000000000000n) return -Infinity;
  return Number((us + BigInt(PG_EPOCH_US)) / 1000n);
}

/**
 * Decodes `packPoints` output (a Buffer from pg's bytea parser, or null) into ascending time order.
 * `descending`: packed from an `ORDER BY ts DESC` subquery (read back to front).
 */
export function unpackPoints(buf: Buffer | null, descending = false): PackedPoints {
  if (buf === null) return { ms: [], values: [] };
  if (buf.length % POINT_BYTES !== 0) throw new Error(`packed points: ${buf.length} bytes is not a whole number of ${POINT_BYTES}-byte points`);
  const n = buf.length / POINT_BYTES;
  const ms = new Array<number>(n);
  const values = new Array<number>(n);
  let ordered = true;
  for (let i = 0; i < n; i++) {
    const at = (descending ? n - 1 - i : i) * POINT_BYTES;
    ms[i] = readMs(buf, at);
    values[i] = buf.readDoubleBE(at + 8);
    if (i > 0 && ms[i] <= ms[i - 1]) ordered = false;
  }
  if (ordered) return { ms, values };
  const order = ms.map((_, i) => i).sort((a, b) => ms[a] - ms[b]);
  return { ms: order.map((i) => ms[i]), values: order.map((i) => values[i]) };
}
