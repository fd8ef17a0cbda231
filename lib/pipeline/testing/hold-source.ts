/**
 * Holds a source's row (FOR UPDATE) on a second PostgreSQL client: a write to the source upserts
 * its points and checks the watermarks, then waits to stamp the source, with its transaction
 * open. Lets a test put a detection run (or anything else) between a write's check and its commit.
 */
import pg from "pg";
import { waitFor } from "@/test/wait-for";

const holders: pg.Client[] = [];

/** Ends every holder's connection (call in `afterEach`); a held transaction rolls back. */
export async function endSourceHolders(): Promise<void> {
  for (const c of holders.splice(0)) await c.end().catch(() => undefined);
}

export async function holdSource(url: string, sourceId: string) {
  const client = new pg.Client({ connectionString: url });
  holders.push(client);
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT 1 FROM "DataSource" WHERE id = $1 FOR UPDATE`, [sourceId]);
  const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  return {
    /** Resolves once `writing` waits on the held row (fails if it ends first). */
    blocked: (writing: Promise<unknown>) =>
      Promise.race([writing.then(() => Promise.reject(new Error("the write ended without waiting on the held source row"))), waitFor("a write waiting on the held source row", async () => {
        // The holder is inside a transaction, where statistics views are read from a snapshot taken at their first use: drop it each time.
        await client.query("SELECT pg_stat_clear_snapshot()");
        const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid]);
        return rows[0].n > 0;
      }, 10_000, 20)]),
    release: () => client.query("COMMIT"),
  };
}
