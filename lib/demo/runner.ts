/**
 * The live demo generator's loop (runs inside the worker when VIGIL_DEMO=1): every 5 s it POSTs
 * the points since the last accepted push to the real ingest endpoint with the demo source's key,
 * exactly as an external pusher would. A failed push (web still starting, database restarting) is
 * retried on the next tick with the same range, so the series has no holes; after a long stop it
 * resumes at most DEMO_MAX_CATCH_UP_MS back.
 */
import { readFileSync } from "node:fs";
import { DEMO_MAX_CATCH_UP_MS, DEMO_PUSH_EVERY_MS, DEMO_SEED } from "@/lib/demo/config";
import { DEMO_STEP_MS, demoPoints } from "@/lib/demo/generator";

export interface DemoRunnerOptions {
  ingestUrl: string;
  keyFile: string;
  /** Where to resume: the newest stored point of the demo source. */
  latest: () => Promise<Date | null>;
  log: { info: (o: object, m: string) => void; warn: (o: object, m: string) => void };
  everyMs?: number;
  now?: () => number;
  fetchImpl?: typeof fetch;
}

export interface DemoRunner {
  /** One push; exposed for tests. Resolves to the points accepted (0 on failure). */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startDemoRunner(opts: DemoRunnerOptions): DemoRunner {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetchImpl ?? fetch;
  const key = readFileSync(opts.keyFile, "utf8").trim();
  let sentUpTo: number | null = null;
  let failures = 0;
  let running: Promise<number> | undefined;
  let stopped = false;

  const push = async (): Promise<number> => {
    const t = now();
    if (sentUpTo === null) {
      const latest = (await opts.latest())?.getTime() ?? t - DEMO_STEP_MS;
      sentUpTo = Math.max(latest, t - DEMO_MAX_CATCH_UP_MS);
    }
    const to = Math.floor(t / DEMO_STEP_MS) * DEMO_STEP_MS;
    if (to <= sentUpTo) return 0;
    const body = demoPoints(DEMO_SEED, sentUpTo, to);
    try {
      const res = await doFetch(opts.ingestUrl, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`ingest answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const { accepted } = (await res.json()) as { accepted: number };
      if (failures) opts.log.info({ after: failures }, "demo generator: pushing again");
      failures = 0;
      sentUpTo = to;
      return accepted;
    } catch (err) {
      // The web app starts after the worker; stay quiet for the first few misses.
      if (++failures === 6 || failures % 60 === 0) {
        opts.log.warn({ err: err instanceof Error ? err.message : String(err), failures }, "demo generator: push failed, retrying");
      }
      return 0;
    }
  };

  const tick = () => (running ??= push().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, opts.everyMs ?? DEMO_PUSH_EVERY_MS);
  timer.unref();
  opts.log.info({ url: opts.ingestUrl }, "demo generator started");
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
