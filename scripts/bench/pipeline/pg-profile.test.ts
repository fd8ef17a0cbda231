import { describe, expect, it } from "vitest";
import { parse } from "./pg-profile";

// Server log lines as PostgreSQL 15 writes them with log_statement_stats (stderr, default prefix).
const entry = (pid: number, db: string, kind: string, user: string, system: string, stmt: string[]) => [
  `2026-12-03 16:54:57.672 UTC [${pid}] postgres@${db} LOG:  ${kind} STATISTICS`,
  `2026-12-03 16:54:57.672 UTC [${pid}] postgres@${db} DETAIL:  ! system usage stats:`,
  `\t!\t${user} s user, ${system} s system, 0.011625 s elapsed`,
  `\t!\t[0.007416 s user, 0.014833 s system total]`,
  `\t!\t15284 kB max resident size`,
  `2026-12-03 16:54:57.672 UTC [${pid}] postgres@${db} STATEMENT:  ${stmt[0]}`,
  ...stmt.slice(1).map((l) => `\t${l}`),
];

describe("pg-profile parse", () => {
  it("sums CPU per statement text and per phase (parse, bind, execute), for the one database, joining multi-line statements", () => {
    const stmt = ["SELECT count(*)", "  FROM t WHERE a = $1"];
    const log = [
      ...entry(11, "scratch", "PARSE MESSAGE", "0.001000", "0.000500", stmt),
      `2026-12-03 16:54:57.700 UTC [2202] LOG:  checkpoint starting: time`,
      ...entry(99, "other", "QUERY", "5.000000", "0.000000", ["SELECT 1"]),
      ...entry(11, "scratch", "BIND MESSAGE", "0.002000", "0.000000", stmt),
      ...entry(11, "scratch", "EXECUTE MESSAGE", "0.010000", "0.002000", stmt),
      ...entry(12, "scratch", "QUERY", "0.000100", "0.000000", ["COMMIT"]),
    ].join("\n");
    const out = parse(log, "scratch");
    expect(out.map((c) => c.statement)).toEqual(["SELECT count(*) FROM t WHERE a = $1", "COMMIT"]);
    expect(out[0].calls).toBe(1);
    expect(out[0].cpu).toBeCloseTo(0.0155, 9);
    expect(out[0].parse).toBeCloseTo(0.0015, 9);
    expect(out[0].bind).toBeCloseTo(0.002, 9);
    expect(out[0].execute).toBeCloseTo(0.012, 9);
    expect(out[1]).toMatchObject({ calls: 1, execute: 0.0001, parse: 0, bind: 0 });
  });
});
