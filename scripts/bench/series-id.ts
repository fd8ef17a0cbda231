/** Stored series ids are Prisma cuid()s: 25 characters. */
export const SERIES_ID_LENGTH = 25;
const INDEX_DIGITS = 6;

/**
 * A bench series id as long as a stored one, so per-point sizes are real. The index is zero-padded
 * before the id is padded to length: unpadded, "year-1" and "year-10" both became "year-10000…" and
 * collided, and "year-10" sorted before "year-2".
 */
export function benchSeriesId(name: string, index = 0): string {
  if (!Number.isInteger(index) || index < 0 || index >= 10 ** INDEX_DIGITS) throw new RangeError(`series index ${index} is not an integer in [0, ${10 ** INDEX_DIGITS})`);
  const id = `${name}-${String(index).padStart(INDEX_DIGITS, "0")}`;
  if (id.length > SERIES_ID_LENGTH) throw new RangeError(`series id ${id} is longer than ${SERIES_ID_LENGTH} characters`);
  return id.padEnd(SERIES_ID_LENGTH, "0");
}
