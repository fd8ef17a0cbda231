/**
 * The triage queue over a scratch database of N anomalies (default 1,000,000):
 *  - a filtered, sorted keyset page at page 1 and page 500, through the API's own query function
 *    (listAnomalyPage: SQL built by Prisma, rows mapped) next to the same SQL text sent through
 *    plain pg (the baseline), and the OFFSET page the old list used, for contrast;
 *  - a bulk status + assignee change of 1,000 anomalies with its history rows (changeAnomalies),
 *    next to a plain UPDATE of the same rows without history;
 *  - the series explorer's downsampling over a year of 10-second points (scripts/bench/explorer.ts).
 * Usage: npm run bench:anomalies [-- --anomalies 1000000 --runs 40 --points 3153600 --explorer-runs 20]
 */
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ADMIN_URL, adminQuery, urlFor } from "../test/databases";
import { migrateDeploy } from "../lib/server/migrate";
import { printTable } from "./bench/table";
import { benchExplorer } from "./bench/explorer";
import { median, p95, sample, timed } from "./bench/timing";

const { values: args } = parseArgs({
  options: {
    anomalies: { type: "string", default: "1000000" },
    runs: { type: "string", default: "40" },
    points: { type: "string", default: "3153600" },
    "explorer-runs": { type: "string", default: "20" },
    keep: { type: "boolean", default: false },
  },
});
const N = Number(args.anomalies);
const RUNS = Number(args.runs);
const PAGE = 50;

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function fill(client: pg.Client) {
  await client.query(`
    INSERT INTO "User" (id, email, "passwordHash", role, "updatedAt")
    SELECT 'u' || g, 'user' || g || '@bench.test', '-', (ARRAY['OPERATOR','ANALYST','ADMIN'])[1 + g % 3]::"Role", now() FROM generate_series(1, 20) g;
    INSERT INTO "DataSource" (id, name, kind, "updatedAt") SELECT 'src' || g, 'source ' || g, 'HTTP_PUSH', now() FROM generate_series(1, 4) g;
    INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey")
    SELECT 's' || g, 'src' || (1 + g % 4), (ARRAY['cpu','mem','disk','net'])[1 + g % 4], jsonb_build_object('host', 'h' || g), format('{"host":"h%s"}', g)
    FROM generate_series(1, 1000) g;
    INSERT INTO "Detector" (id, name, algorithm, "updatedAt") SELECT 'd' || g, 'detector ' || g, 'zscore', now() FROM generate_series(1, 3) g;`);
  // A year of incidents: 60% open, 20% acknowledged, 15% resolved, 5% silenced; 3% gone or merged; 30% assigned.
  await client.query(`
    INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "startTs", "endTs", "peakTs", "peakScore", severity, status, detection, "assigneeId", "pointCount", "updatedAt")
    SELECT 'a' || lpad(g::text, 8, '0'), 'd' || (1 + g % 3), 's' || (1 + (g::bigint * 7919) % 1000), ts, ts + interval '5 minutes', ts + interval '2 minutes',
      0.5 + 0.5 * r1, (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + floor(r1 * 4)::int]::"Severity",
      (CASE WHEN r2 < 0.6 THEN 'OPEN' WHEN r2 < 0.8 THEN 'ACKNOWLEDGED' WHEN r2 < 0.95 THEN 'RESOLVED' ELSE 'SILENCED' END)::"AnomalyStatus",
      (CASE WHEN r3 < 0.97 THEN 'ACTIVE' WHEN r3 < 0.985 THEN 'GONE' ELSE 'MERGED' END)::"IncidentState",
      CASE WHEN r4 < 0.3 THEN 'u' || (1 + g % 20) END, 5, now()
    FROM (SELECT g, timestamptz '2025-01-01' + (g::float8 / $1) * interval '365 days' AS ts, random() AS r1, random() AS r2, random() AS r3, random() AS r4
          FROM generate_series(1, $1) g) x`, [N]);
  await client.query(`ANALYZE "Anomaly"; ANALYZE "Series"; ANALYZE "User"`);
}

async function main() {
  const name = `vigil_bench_anomalies_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const client = new pg.Client({ connectionString: url });
  try {
    console.log(`scratch database ${name} on ${new URL(ADMIN_URL).host}; migrating, then ${N.toLocaleString("en-US")} anomalies...`);
    await migrateDeploy(url);
    await client.connect();
    const [fillMs] = await timed(() => fill(client));
    console.log(`filled in ${(fillMs / 1000).toFixed(1)} s\n`);

    const { ZAnomalyListQuery } = await import("../lib/anomalies/schemas");
    const { anomalyPageSql, listAnomalyPage } = await import("../lib/server/queries/anomaly-list");
    const { changeAnomalies } = await import("../lib/server/queries/anomaly-triage");
    const { disconnectPrisma } = await import("../lib/server/db");

    const views: { label: string; input: Record<string, string | string[]> }[] = [
      { label: "open+acknowledged, newest first", input: { status: ["OPEN", "ACKNOWLEDGED"] } },
      { label: "high+critical on one source, newest first", input: { severity: ["HIGH", "CRITICAL"], sourceId: "src2" } },
      { label: "open, highest score first", input: { status: "OPEN", sort: "-peakScore" } },
      { label: "unassigned, oldest first", input: { assignee: "none", sort: "startTs" } },
      { label: "acknowledged, most severe first", input: { status: "ACKNOWLEDGED", sort: "-severity" } },
    ];
    const rows: string[][] = [];
    for (const v of views) {
      const first = ZAnomalyListQuery.parse({ ...v.input, limit: String(PAGE) });
      // Walk to page 500 by following the cursors, as a client would.
      let cursor: string | null = null;
      const [walkMs] = await timed(async () => {
        for (let page = 1; page < 500; page++) {
          const r = await listAnomalyPage(page === 1 ? first : ZAnomalyListQuery.parse({ ...v.input, limit: String(PAGE), cursor: cursor! }), "u1");
          cursor = r.nextCursor;
          if (!cursor) break;
        }
      });
      if (!cursor) {
        rows.push([v.label, "fewer than 500 pages", "", "", "", "", ""]);
        continue;
      }
      const deep = ZAnomalyListQuery.parse({ ...v.input, limit: String(PAGE), cursor });
      const plain = (q: typeof first) => {
        const sql = anomalyPageSql(q, "u1");
        return () => client.query(sql.text, sql.values);
      };
      const offsetSql = (() => {
        const sql = anomalyPageSql(first, "u1");
        return { text: sql.text.replace(/LIMIT \$(\d+)\s*$/, (_m, n) => `LIMIT $${n} OFFSET ${499 * PAGE}`), values: sql.values };
      })();
      const api1 = await sample(() => listAnomalyPage(first, "u1"), RUNS);
      const sql1 = await sample(plain(first), RUNS);
      const api500 = await sample(() => listAnomalyPage(deep, "u1"), RUNS);
      const sql500 = await sample(plain(deep), RUNS);
      const offset500 = await sample(() => client.query(offsetSql.text, offsetSql.values), RUNS);
      rows.push([v.label, ms(p95(api1)), ms(p95(sql1)), ms(p95(api500)), ms(p95(sql500)), ms(p95(offset500)), `${(walkMs / 1000).toFixed(1)} s`]);
    }
    console.log(`List page of ${PAGE} over ${N.toLocaleString("en-US")} anomalies (active only, the default), p95 of ${RUNS} runs:`);
    printTable(["view", "page 1 API", "page 1 plain SQL", "page 500 API", "page 500 plain SQL", "page 500 OFFSET (old)", "walk 1-500"], rows);

    // Bulk: 1,000 scattered anomalies, acknowledged and assigned, then reopened and unassigned, so every run changes all of them.
    const ids = (await client.query<{ id: string }>(`SELECT id FROM "Anomaly" WHERE status = 'OPEN' ORDER BY md5(id) LIMIT 1000`)).rows.map((r) => r.id);
    const bulk: number[] = [];
    const baseline: number[] = [];
    const bulkRuns = Math.max(4, Math.floor(RUNS / 4));
    for (let i = 0; i < bulkRuns; i++) {
      const [t, changed] = await timed(() => changeAnomalies({ ids, status: i % 2 ? "OPEN" : "ACKNOWLEDGED", assigneeId: i % 2 ? null : "u1" }, "u2"));
      if (changed.length !== ids.length) throw new Error(`bulk changed ${changed.length} of ${ids.length}`);
      bulk.push(t);
      const [b] = await timed(() => client.query(`UPDATE "Anomaly" SET status = $2::"AnomalyStatus", "assigneeId" = $3, "updatedAt" = now() WHERE id = ANY($1)`, [ids, i % 2 ? "ACKNOWLEDGED" : "OPEN", i % 2 ? "u1" : null]));
      baseline.push(b);
      // Put the rows back where the API run found them.
      await client.query(`UPDATE "Anomaly" SET status = $2::"AnomalyStatus", "assigneeId" = $3 WHERE id = ANY($1)`, [ids, i % 2 ? "OPEN" : "ACKNOWLEDGED", i % 2 ? null : "u1"]);
    }
    const history = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM "AnomalyActivity"`)).rows[0].n;
    console.log(`\nBulk change of ${ids.length} anomalies (status + assignee), ${bulkRuns} runs:`);
    printTable(["", "median", "p95"], [
      ["changeAnomalies (one transaction, history rows)", ms(median(bulk)), ms(p95(bulk))],
      ["plain UPDATE, no history (baseline)", ms(median(baseline)), ms(p95(baseline))],
    ]);
    console.log(`history rows written: ${history} (one per changed field per anomaly per run)`);
    if (Number(args.points) > 0) await benchExplorer(client, Number(args.points), Number(args["explorer-runs"]));
    await disconnectPrisma();
  } finally {
    await client.end().catch(() => undefined);
    if (!args.keep) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
