/**
 * A channel's send limit, pure: at most `count` messages start in any `seconds` (Slack's incoming
 * webhooks: 1 per second). A slot is taken when a send is claimed, in the claim's transaction, so
 * a second worker, a retry or a re-sent Alertmanager delivery after a lease expired each take
 * their own (lib/server/queries/channel-limits.ts). A claimed send must start within
 * `SEND_START_GRACE_MS` of its slot or it is put back unsent (lib/alerting/notify.ts); the window
 * counted is therefore `seconds` plus that grace, which keeps the sends themselves within the limit.
 * What is over the limit waits (PENDING with a wake time), never dropped.
 */
import { z } from "zod";

export const SEND_START_GRACE_MS = 250;

export const ZSendLimit = z.object({
  count: z.number().int().min(1, "at least 1 message").max(10_000),
  seconds: z.number().int().min(1, "at least 1 second").max(86_400),
});
export type SendLimit = z.infer<typeof ZSendLimit>;

/** The window slots are counted over. */
export function limitWindowMs(limit: SendLimit): number {
  return limit.seconds * 1000 + SEND_START_GRACE_MS;
}

export function describeLimit(limit: SendLimit): string {
  return `${limit.count} message${limit.count === 1 ? "" : "s"} per ${limit.seconds} s`;
}

export interface SlotPlan {
  /** How many of the wanted sends may be claimed now. */
  granted: number;
  /** For each of the rest, in order, when it may try again. */
  waits: Date[];
}

/**
 * `recent`: the slots taken within the window before `now`, oldest first. A send may start at t
 * when fewer than `count` slots lie in (t - window, t]. The waiters get successive times at which
 * that holds, after the last wake already handed out (`queuedUntil`) plus one spacing, so jobs
 * waiting on the same channel do not all wake at once. The wait is a hint: the claim checks again.
 */
export function planSlots(limit: SendLimit, recent: readonly Date[], queuedUntil: Date | null, now: Date, wanted: number): SlotPlan {
  const window = limitWindowMs(limit);
  const slots = recent.map((d) => d.getTime()).filter((t) => t > now.getTime() - window);
  const granted = Math.max(0, Math.min(wanted, limit.count - slots.length));
  for (let i = 0; i < granted; i++) slots.push(now.getTime());
  const waits: Date[] = [];
  const spacing = Math.ceil(window / limit.count);
  let last = queuedUntil && queuedUntil.getTime() > now.getTime() ? queuedUntil.getTime() : -Infinity;
  for (let i = granted; i < wanted; i++) {
    const free = slots[slots.length - limit.count] + window;
    const at = Math.max(free, last + spacing);
    slots.push(at);
    waits.push(new Date(at));
    last = at;
  }
  return { granted, waits };
}
