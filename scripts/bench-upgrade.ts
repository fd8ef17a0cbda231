/**
 * What the compact-key upgrade (migration `compact_point_keys`, one transaction: see
 * lib/storage/README.md) costs a running install. A scratch database at the schema before it gets
 * `--points` 10-second points over `--series` series in month partitions; then the migration is
 * applied as Prisma applies it (the whole file as one simple query) while a writer takes the lock a
 * point write takes (ROW EXCLUSIVE on "DataPoint") every 100 ms. Prints the migration's wall time
 * and database CPU, and the writer's longest wait during it next to its longest wait in the
 * seconds before (the baseline, same run). Rollups are left out (they add about a fifth).
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

const { values: args } = parseArgs({ options: { points: { type: "string", default: "1000000" }, series: { type: "string", default: "10" } } });
const N = Number(args.points);
const SERIES = Number(args.series);
const UPGRADE = "20261203165500_compact_point_keys";
const START = Date.UTC(2025, 0, 1);
const dir = path.resolve("prisma/migrations");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes a point write's lock every 100 ms until stopped; returns each attempt's [start, wait ms]. */
function writer(url: string) {
  const waits: [number, number][] = [];
  let stop = false;
  const done = (async () => {
    const w = new pg.Client({ connectionString: url });
    await w.connect();
    while (!stop) {
      const t = performance.now();
      await w.query(`BEGIN; LOCK TABLE "DataPoint" IN ROW EXCLUSIVE MODE; COMMIT`);
      waits.push([t, performance.now() - t]);
      await sleep(100);
    }
    await w.end();
  })();
  return { waits, stop: async () => ((stop = true), await done) };
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

    const w = writer(url);
    await sleep(3000);
    const t0 = performance.now();
    const { cpuMs, result: [upgradeMs] } = await measureBackendCpu(c, name, () => timed(() => c.query(readFileSync(path.join(dir, UPGRADE, "migration.sql"), "utf8"))));
    const t1 = performance.now();
    await sleep(1000);
    await w.stop();
    const after = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM "DataPoint" p JOIN "Series" s ON s.key = p."seriesKey"`)).rows[0].n);
    const baseline = Math.max(...w.waits.filter(([t]) => t < t0).map(([, ms]) => ms));
    const during = w.waits.filter(([t, ms]) => t + ms > t0 && t < t1);
    const fmt = (ms: number) => `${Math.round(ms).toLocaleString("en-US")} ms`;
    console.log(`upgrade: ${fmt(upgradeMs)} wall, database CPU ${fmt(cpuMs)} (${fmt(cpuMs / (before / 1e6))} per million points); points kept ${after.toLocaleString("en-US")} of ${before.toLocaleString("en-US")}`);
    console.log(`a point write's lock: longest wait during the upgrade ${fmt(Math.max(...during.map(([, ms]) => ms)))} (${during.length} attempts), before it (baseline) ${fmt(baseline)}`);
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  } finally {
    await c.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
