/**
 * Timestamps accepted by ingest, in one rule for every format:
 * - a number (or a string of digits) is Unix epoch time: below 1e11 it is seconds (fractions
 *   allowed), from 1e11 up milliseconds (1e11 s is the year 5138; 1e11 ms is 1973);
 * - a string is ISO-8601 `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.fff]]` with a zone (`Z` or `±HH:MM`);
 *   a date alone means midnight UTC; a date-time without a zone is refused rather than guessed.
 * Stored with millisecond precision (rounded), between 1970-01-01 and 9999-12-31.
 */
const EPOCH_SECONDS_BELOW = 1e11;
const MAX_MS = 253_402_300_799_999;
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;
const DIGITS = /^\d+(?:\.\d+)?$/;

export type TimestampResult = { ms: number } | { error: string };

function fromEpoch(n: number): TimestampResult {
  if (!Number.isFinite(n) || n < 0) return { error: "timestamp must be a non-negative epoch time or an ISO-8601 string" };
  const ms = Math.round(n < EPOCH_SECONDS_BELOW ? n * 1000 : n);
  return ms > MAX_MS ? { error: "timestamp is after 9999-12-31" } : { ms };
}

/** Date.parse rolls 2024-02-31 over to March; refuse it instead. */
function isCalendarDate(ymd: string): boolean {
  const [y, m, d] = ymd.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function parseTimestamp(v: unknown): TimestampResult {
  if (typeof v === "number") return fromEpoch(v);
  if (typeof v !== "string") return { error: "timestamp must be an ISO-8601 string or an epoch number" };
  const s = v.trim();
  if (DIGITS.test(s)) return fromEpoch(Number(s));
  const m = ISO.exec(s);
  if (!m) return { error: `timestamp ${JSON.stringify(v.slice(0, 40))} is not ISO-8601 (e.g. 2024-05-01T12:00:00Z) or epoch time` };
  if (s.length > 10 && !m[1]) return { error: `timestamp ${JSON.stringify(v)} has no time zone (add Z or ±HH:MM)` };
  if (!isCalendarDate(s.slice(0, 10))) return { error: `timestamp ${JSON.stringify(v)} is not a valid date` };
  const ms = Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(" ", "T"));
  if (Number.isNaN(ms)) return { error: `timestamp ${JSON.stringify(v)} is not a valid date` };
  if (ms < 0 || ms > MAX_MS) return { error: "timestamp must be between 1970-01-01 and 9999-12-31" };
  return { ms };
}
