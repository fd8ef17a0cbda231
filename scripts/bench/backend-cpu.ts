/**
 * CPU time PostgreSQL's backends of one database spend (utime + stime from /proc, so the server
 * must run on this machine), autovacuum workers left out: a load-independent figure next to wall
 * times.
 */
import { readFileSync } from "node:fs";
import type pg from "pg";

/** Clock ticks per second of /proc times (USER_HZ, `getconf CLK_TCK`: 100 on Linux). */
const TICKS = 100;

/** utime + stime (ms) of each of the database's backends now. */
async function backendCpu(admin: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type <> 'autovacuum worker'`, [database]);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) / TICKS) * 1000); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // a backend that exited meanwhile
    }
  }
  return out;
}

/**
 * CPU the database's backends spend while `work` runs: sampled every 50 ms, so a pool connection
 * closed mid-run still counts up to its last sample (a new one counts from zero).
 */
export async function measureBackendCpu<T>(admin: pg.Client, database: string, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const first = await backendCpu(admin, database);
  const last = new Map(first);
  let sampling = Promise.resolve();
  const sample = () => {
    sampling = sampling.then(async () => {
      for (const [pid, ms] of await backendCpu(admin, database)) last.set(pid, ms);
    });
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    clearInterval(timer);
    sample();
    await sampling;
    let cpuMs = 0;
    for (const [pid, ms] of last) cpuMs += ms - (first.get(pid) ?? 0);
    return { result, cpuMs };
  } finally {
    clearInterval(timer);
  }
}
