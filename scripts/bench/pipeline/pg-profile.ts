/**
 * Where PostgreSQL spends CPU, per statement, without pg_stat_statements (it needs a server
 * restart to load): `log_statement_stats` is turned on for the scratch database only (new
 * sessions: turn it on before any worker or pool connects, or their statements are missing), and
 * every statement's backend CPU (getrusage user + system) is read back from the server log, split
 * by protocol message: parse, bind (with plan_cache_mode = force_custom_plan, planning happens
 * here) and execute; a simple-protocol query counts as execute.
 * The log is the local cluster's stderr log (VIGIL_PG_LOG, default the Debian path); superuser only.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { adminQuery } from "../../../test/databases";

const LOG = process.env.VIGIL_PG_LOG ?? "/var/log/postgresql/postgresql-15-main.log";

export interface StatementCost {
  statement: string;
  /** Executions (execute messages and simple queries). */
  calls: number;
  cpu: number;
  parse: number;
  bind: number;
  execute: number;
}

export interface PgProfile {
  /** From now on: what the next `read` covers. */
  mark(): void;
  /** Statements of the database logged since the last `mark` (or the start), most CPU first. */
  read(): StatementCost[];
}

export async function startPgProfile(database: string): Promise<PgProfile> {
  await adminQuery(`ALTER DATABASE ${database} SET log_statement_stats = on`);
  let from = statSync(LOG).size;
  return {
    mark() {
      from = statSync(LOG).size;
    },
    read() {
      const size = statSync(LOG).size;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(LOG, "r");
      readSync(fd, buf, 0, buf.length, from);
      closeSync(fd);
      return parse(buf.toString("utf8"), database);
    },
  };
}

export async function stopPgProfile(database: string): Promise<void> {
  await adminQuery(`ALTER DATABASE ${database} RESET log_statement_stats`);
}

const HEAD = /^\S+ \S+ \S+ \[(\d+)\] \S+@(\S+) (LOG|DETAIL|STATEMENT):\s+(.*)$/;
const USAGE = /([\d.]+) s user, ([\d.]+) s system/;
type Phase = "parse" | "bind" | "execute";
const PHASE: Record<string, Phase> = {
  "PARSE MESSAGE STATISTICS": "parse",
  "BIND MESSAGE STATISTICS": "bind",
  "EXECUTE MESSAGE STATISTICS": "execute",
  "QUERY STATISTICS": "execute",
};

/** Sums the CPU of each statement text (whitespace collapsed) over the log's STATISTICS entries for `database`, by phase. */
export function parse(text: string, database: string): StatementCost[] {
  const lines = text.split("\n");
  const phase = new Map<string, Phase>(); // pid -> phase of its last STATISTICS line
  const pending = new Map<string, { phase: Phase; cpu: number }>(); // pid -> the entry whose STATEMENT line follows
  const out = new Map<string, StatementCost>();
  for (let i = 0; i < lines.length; i++) {
    const m = HEAD.exec(lines[i]);
    if (!m || m[2] !== database) continue;
    const [, pid, , kind, rest] = m;
    if (kind === "LOG") {
      const p = PHASE[rest.trim()];
      if (p) phase.set(pid, p);
      else phase.delete(pid);
    } else if (kind === "DETAIL" && phase.has(pid)) {
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const u = USAGE.exec(lines[j]);
        if (u) {
          pending.set(pid, { phase: phase.get(pid)!, cpu: Number(u[1]) + Number(u[2]) });
          break;
        }
      }
      phase.delete(pid);
    } else if (kind === "STATEMENT" && pending.has(pid)) {
      let stmt = rest;
      for (let j = i + 1; j < lines.length && lines[j].startsWith("\t"); j++) stmt += ` ${lines[j]}`;
      const key = stmt.replace(/\s+/g, " ").trim();
      const c = out.get(key) ?? { statement: key, calls: 0, cpu: 0, parse: 0, bind: 0, execute: 0 };
      const e = pending.get(pid)!;
      if (e.phase === "execute") c.calls++;
      c.cpu += e.cpu;
      c[e.phase] += e.cpu;
      pending.delete(pid);
      out.set(key, c);
    }
  }
  return [...out.values()].sort((a, b) => b.cpu - a.cpu);
}
