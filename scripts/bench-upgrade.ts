/**
 * What the compact-key upgrade (migration `compact_point_keys`: see lib/storage/README.md) costs a
 * running install, next to the blocking migration it replaced (`bench/compact-point-keys-blocking.sql`,
 * one transaction) in the same run. A scratch database at the schema before it gets `--points`
 * 10-second points over `--series` series in month partitions and is cloned; then each migration is
 * applied to its copy as Prisma applies it (the whole file as one simple query) while a writer upserts
 * a point every 100 ms as the release before does (by text series id; by key once that column is
 * gone). Prints each migration's wall time and database CPU (writer included), and the writer's
 * longest write during it next to its longest in the seconds before (the baseline, same copy).
 * Rollups are left out (they add about a fifth). `--order new-first` runs the new one first.
 * Usage: npm run bench:upgrade [-- --points 1000000 --series 10]
 */
import { readdirSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { measureBackendCpu } from "./bench/backend-cpu";
import { timed } from "./bench/timing";

const { values: args } = parseArgs({
  options: { points: { type: "string", default: "1000000" }, series: { type: "string", default: "10" }, order: { type: "string", default: "old-first" } },
});
const N = Number(args.points);
const SERIES = Number(args.series);
const UPGRADE = "20261203165500_compact_point_keys";
const START = Date.UTC(2025, 0, 1);
const dir = path.resolve("prisma/migrations");
const MIGRATIONS = {
  "blocking (before)": readFileSync(path.resolve("scripts/bench/compact-point-keys-blocking.sql"), "utf8"),
  "online (now)": readFileSync(path.join(dir, UPGRADE, "migration.sql"), "utf8"),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (ms: number) => `${Math.round(ms).toLocaleString("en-US")} ms`;

/** Upserts a point (value -1) every 100 ms until stopped; returns each write's [start, duration ms]. */
function writer(url: string) {
  const waits: [number, number][] = [];
  let stop = false;
  let keyed = false;
  let deadlocks = 0;
  const id = "series-0".padEnd(25, "0");
  const done = (async () => {
    const w = new pg.Client({ connectionString: url });
    await w.connect();
    for (let k = 0; !stop; k++) {
      const t = performance.now();
      const ts = new Date(START + 5000 + k * 10_000); // between the points of the first month, being copied
      for (let done = false; !done; ) {
        try {
          if (!keyed) {
            await w.query(`INSERT INTO "DataPoint" ("seriesId", ts, value) VALUES ($1, $2, -1) ON CONFLICT ("seriesId", ts) DO UPDATE SET value = EXCLUDED.value`, [id, ts]);
          } else {
            await w.query(`INSERT INTO "DataPoint" ("seriesKey", ts, value) SELECT key, $2, -1 FROM "Series" WHERE id = $1 ON CONFLICT ("seriesKey", ts) DO UPDATE SET value = EXCLUDED.value`, [id, ts]);
          }
          done = true;
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (code === "42703" && !keyed) keyed = true; // the text id column is gone: write by key
          else if (code === "40P01") deadlocks++; // the blocking migration's locks: retried, as ingest would
          else throw e;
        }
      }
      waits.push([t, performance.now() - t]);
      await sleep(100);
    }
    await w.end();
  })();
  done.catch(() => undefined); // reported by stop(), after the upgrade, so the scratch databases are dropped
  return { waits, deadlocks: () => deadlocks, stop: async () => ((stop = true), await done) };
}

async function runUpgrade(label: string, sql: string, name: string, before: number) {
  const url = urlFor(name);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const w = writer(url);
    await sleep(3000);
    const t0 = performance.now();
    const { cpuMs, result: [upgradeMs] } = await measureBackendCpu(c, name, () => timed(() => c.query(sql)));
    const t1 = performance.now();
    await sleep(1000);
    await w.stop();
    const kept = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey" WHERE p.value >= 0`)).rows[0].n);
    const baseline = Math.max(...w.waits.filter(([t]) => t < t0).map(([, ms]) => ms));
    const during = w.waits.filter(([t, ms]) => t + ms > t0 && t < t1);
    console.log(`${label}: ${fmt(upgradeMs)} wall, database CPU ${fmt(cpuMs)} (${fmt(cpuMs / (before / 1e6))} per million points); points kept ${kept.toLocaleString("en-US")} of ${before.toLocaleString("en-US")}`);
    const longest = during.reduce((a, b) => (b[1] > a[1] ? b : a));
    console.log(`  a point write: longest during the upgrade ${fmt(longest[1])} (started ${((longest[0] - t0) / 1000).toFixed(1)} s in; ${during.length} writes, ${w.deadlocks()} retried after a deadlock), before it (baseline) ${fmt(baseline)}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main() {
  const name = `vigil_bench_upgrade_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    for (const m of readdirSync(dir).filter((d) => /^\d{14}_/.test(d) && d < UPGRADE).sort()) {
      await c.query(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
    }
    const per = Math.ceil(N / SERIES);
    for (let m = START; m <= START + per * 10_000; m = Date.UTC(new Date(m).getUTCFullYear(), new Date(m).getUTCMonth() + 1, 1)) {
      await c.query(`SELECT vigil_point_partition($1)`, [new Date(m)]);
    }
    await c.query(`INSERT INTO "DataSource" (id, name, kind, "updatedAt") VALUES ('src', 'src', 'HTTP_PUSH', now())`);
    const [fillMs] = await timed(async () => {
      for (let k = 0; k < SERIES; k++) {
        const id = `series-${k}`.padEnd(25, "0"); // as long as a cuid
        await c.query(`INSERT INTO "Series" (id, "sourceId", metric) VALUES ($1, 'src', $2)`, [id, `m${k}`]);
        await c.query(
          `INSERT INTO "DataPoint" ("seriesId", ts, value) SELECT $1, to_timestamp($2::float8 / 1000) + g * interval '10 seconds', random() FROM generate_series(0, $3::int - 1) g`,
          [id, START, Math.min(per, N - k * per)],
        );
      }
    });
    await c.query(`VACUUM ANALYZE "DataPoint"`);
    const before = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "DataPoint"`)).rows[0].n);
    console.log(`scratch database ${name} on ${new URL(ADMIN_URL).host}: ${before.toLocaleString("en-US")} points over ${SERIES} series at the schema before ${UPGRADE} (filled in ${(fillMs / 1000).toFixed(1)} s)`);

    await c.end();
    const copy = `${name}_b`;
    await adminQuery(`CREATE DATABASE ${copy} TEMPLATE ${name}`);
    const runs = Object.entries(MIGRATIONS);
    if (args.order === "new-first") runs.reverse();
    for (const [i, [label, sql]] of runs.entries()) await runUpgrade(label, sql, i === 0 ? name : copy, before);
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  } finally {
    await c.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(`DROP DATABASE IF EXISTS ${name}_b WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
