/**
 * PostgreSQL CPU per point on the detection backlog's point reads, against a scratch database:
 * `readBatch` (the batch and shard path's one statement: each series' next page of points past its
 * watermark) over every series in shard-sized chunks, and `countPointsIn` (the commit's count check
 * of (watermark, new watermark]) per series. The figure is the database backends' own CPU time
 * (utime + stime from /proc of every backend of the scratch database, so it must run on the
 * database's host), per million points read or counted; wall time is printed beside it. Only
 * exported query functions are called, so the same script measures an older checkout.
 * Usage: npm run bench:point-reads [-- --series 500 --per-series 4000 --page 1000 --runs 3]
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { migrateDeploy } from "../lib/server/migrate";
import { measureBackendCpu } from "./bench/backend-cpu";

const { values: args } = parseArgs({
  options: {
    series: { type: "string", default: "500" },
    "per-series": { type: "string", default: "4000" },
    page: { type: "string", default: "1000" },
    runs: { type: "string", default: "3" },
  },
});
const SERIES = Number(args.series);
const PER_SERIES = Number(args["per-series"]);
const PAGE = Number(args.page);
const RUNS = Number(args.runs);
const T0 = Date.parse("2026-01-05T00:00:00Z");
async function main() {
  const name = `vigil_bench_reads_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await migrateDeploy(url);
    const { getPrisma, disconnectPrisma } = await import("../lib/server/db");
    const { closePgPool } = await import("../lib/server/pg-pool");
    const { upsertPoints } = await import("../lib/server/queries/points");
    const { readBatch } = await import("../lib/pipeline/batch-read");
    const { countPointsIn } = await import("../lib/server/queries/detector-state");
    const { createPointPartitions } = await import("../lib/storage/partitions");
    const prisma = getPrisma();
    await createPointPartitions(T0, T0 + PER_SERIES * 60_000);
    const source = await prisma.dataSource.create({ data: { name: "reads", kind: "HTTP_PUSH" } });
    const detector = await prisma.detector.create({ data: { name: "reads", algorithm: "zscore" } });
    const ids: string[] = [];
    const ts = Array.from({ length: PER_SERIES }, (_, i) => new Date(T0 + i * 60_000));
    for (let s = 0; s < SERIES; s++) {
      const series = await prisma.series.create({ data: { sourceId: source.id, metric: `m${String(s).padStart(5, "0")}` } });
      ids.push(series.id);
      await upsertPoints(series.id, ts, ts.map((_, i) => Math.sin(i / 40 + s)));
    }
    ids.sort();
    await prisma.detectorSeries.createMany({ data: ids.map((seriesId) => ({ detectorId: detector.id, seriesId })) });
    await getPrisma().$executeRawUnsafe(`VACUUM ANALYZE "DataPoint"`);
    console.log(`scratch database ${name}: ${(SERIES * PER_SERIES).toLocaleString("en-US")} points over ${SERIES} series; pages of ${PAGE}`);

    const upTo = ts[Math.min(PAGE, PER_SERIES) - 1];
    const readAll = async () => {
      let n = 0;
      for (let i = 0; i < ids.length; i += 500) for (const r of await readBatch(detector.id, { seriesIds: ids.slice(i, i + 500) }, PAGE)) n += r.ms.length;
      return n;
    };
    const countAll = async () => {
      let n = 0;
      for (const id of ids) n += await countPointsIn(prisma, [id], null, upTo);
      return n;
    };
    await readAll();
    await countAll();
    for (const [label, step] of [["readBatch (points read)", readAll], ["countPointsIn (points counted)", countAll]] as const) {
      const t0 = performance.now();
      const { result: points, cpuMs: cpu } = await measureBackendCpu(admin, name, async () => {
        let n = 0;
        for (let r = 0; r < RUNS; r++) n += await step();
        return n;
      });
      const wall = performance.now() - t0;
      console.log(`${label.padEnd(32)} ${points.toLocaleString("en-US").padStart(10)} points  backend CPU ${(cpu / (points / 1e6)).toFixed(0).padStart(6)} ms per million  wall ${(wall / (points / 1e6)).toFixed(0).padStart(6)} ms per million`);
    }
    console.log(`load average: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
    await disconnectPrisma();
    await closePgPool();
  } finally {
    await admin.end().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
