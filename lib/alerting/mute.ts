/**
 * Mute timings (quiet hours): a rule sends nothing while the time, in its time zone, falls in one
 * of its intervals (weekdays + time of day; an end before the start runs past midnight). Nothing is
 * recorded while muted: an episode still open when the quiet hours end notifies then. Pure.
 */
import { z } from "zod";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 00:00 to 23:59");
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const ZMuteInterval = z
  .object({ weekdays: z.array(z.enum(WEEKDAYS)).min(1, "at least one weekday").max(7), start: hhmm, end: hhmm })
  .refine((m) => m.start !== m.end, { path: ["end"], message: "must differ from start" });
export type MuteInterval = z.infer<typeof ZMuteInterval>;
export const ZMuteTimings = z.array(ZMuteInterval).max(20);

export const ZTimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not a time zone (e.g. Europe/Berlin, UTC)");

/** Weekday and minutes since midnight of `at` in `timeZone`. */
const formats = new Map<string, Intl.DateTimeFormat>();
export function localTime(at: Date, timeZone: string): { weekday: Weekday; minutes: number } {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })));
  const parts = format.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return { weekday: get("weekday").toLowerCase() as Weekday, minutes: Number(get("hour")) * 60 + Number(get("minute")) };
}

const toMinutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
const previous = (d: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(d) + 6) % 7];

/** The interval muting `at`, or null. An overnight interval belongs to the weekday it starts on. */
export function activeMute(intervals: readonly MuteInterval[], timeZone: string, at: Date): MuteInterval | null {
  if (intervals.length === 0) return null;
  const { weekday, minutes } = localTime(at, timeZone);
  return (
    intervals.find((m) => {
      const start = toMinutes(m.start);
      const end = toMinutes(m.end);
      if (start < end) return m.weekdays.includes(weekday) && minutes >= start && minutes < end;
      return (m.weekdays.includes(weekday) && minutes >= start) || (m.weekdays.includes(previous(weekday)) && minutes < end);
    }) ?? null
  );
}

export function describeMute(m: MuteInterval, timeZone: string): string {
  return `${m.weekdays.join(",")} ${m.start}-${m.end} ${timeZone}`;
}

/**
 * When the quiet hours holding at `at` end (the first minute no interval mutes), or null when none
 * holds. Adjacent intervals chain; a week of minutes bounds the walk.
 */
export function muteEndsAt(intervals: readonly MuteInterval[], timeZone: string, at: Date): Date | null {
  if (!activeMute(intervals, timeZone, at)) return null;
  const start = Math.floor(at.getTime() / 60_000) * 60_000;
  for (let m = 1; m <= 8 * 1440; m++) {
    const t = new Date(start + m * 60_000);
    if (!activeMute(intervals, timeZone, t)) return t;
  }
  return null;
}
