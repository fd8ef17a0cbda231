/**
 * NAB anomaly windows: parsing the label file's entries and locating each window's rows.
 * Timestamps are NAB's naive "YYYY-MM-DD HH:MM:SS[.ffffff]" strings, read as UTC epoch ms.
 */

export interface NabWindow {
  /** Inclusive bounds, epoch ms. */
  start: number;
  end: number;
}

/** A window resolved against one file's rows: the inclusive row range it covers. */
export interface WindowSpan extends NabWindow {
  first: number;
  last: number;
  length: number;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

export function parseNabTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) throw new Error(`Not a NAB timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac = "0"] = m;
  const ms = Math.floor(Number(frac.padEnd(6, "0")) / 1000);
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
}

/** One file's entry of `combined_windows.json`: `[[start, end], ...]`. */
export function parseWindows(entry: unknown): NabWindow[] {
  if (!Array.isArray(entry)) throw new Error("Windows entry must be an array of [start, end] pairs");
  return entry.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`Bad window: ${JSON.stringify(pair)}`);
    const start = parseNabTimestamp(String(pair[0]));
    const end = parseNabTimestamp(String(pair[1]));
    if (end < start) throw new Error(`Window ends before it starts: ${JSON.stringify(pair)}`);
    return { start, end };
  });
}

/** First index whose timestamp is >= t (timestamps ascending). */
function lowerBound(timestamps: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timestamps[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rows with start <= timestamp <= end, as NAB selects them. Windows that cover no row are dropped
 * (NAB itself would fail on them), so callers count windows from the returned spans.
 */
export function locateWindows(timestamps: ArrayLike<number>, windows: NabWindow[]): WindowSpan[] {
  const spans: WindowSpan[] = [];
  for (const w of [...windows].sort((a, b) => a.start - b.start)) {
    const first = lowerBound(timestamps, w.start);
    const last = lowerBound(timestamps, w.end + 1) - 1;
    if (last >= first) spans.push({ ...w, first, last, length: last - first + 1 });
  }
  return spans;
}
