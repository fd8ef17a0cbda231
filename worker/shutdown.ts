/**
 * The bounded part of the worker's shutdown: wait for `closing` (workers finishing the jobs in
 * hand, MQTT flushing) at most `timeoutMs`. BullMQ cannot force a close already under way (a
 * second close(true) returns the first, still waiting), so past the timeout the caller exits and
 * the jobs in hand are left to their locks: another worker retries them once the locks expire.
 * Kubernetes' grace period is set above the timeout.
 */
export async function settleWithin(closing: Promise<unknown>, timeoutMs: number): Promise<"closed" | "timed-out"> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    closing.then(() => "closed" as const),
    new Promise<"timed-out">((resolve) => (timer = setTimeout(() => resolve("timed-out"), timeoutMs))),
  ]);
  clearTimeout(timer);
  return outcome;
}
