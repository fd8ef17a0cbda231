/**
 * Where PostgreSQL spends CPU, per statement, without pg_stat_statements (it needs a server
 * restart to load): `log_statement_stats` is turned on for the scratch database only (new
 * sessions), and every statement's backend CPU (getrusage user + system, parse, bind and execute
 * together) is read back from the server log and summed by statement text.
 * The log is the local cluster's stderr log (VIGIL_PG_LOG, default the Debian path); superuser only.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { adminQuery } from "../../../test/databases";

const LOG = process.env.VIGIL_PG_LOG ?? "/var/log/postgresql/postgresql-15-main.log";

export interface StatementCost {
  statement: string;
  calls: number;
  cpu: number;
}

export interface PgProfile {
  /** Statements of the database logged since `startPgProfile`, most CPU first. */
  read(): StatementCost[];
}

export async function startPgProfile(database: string): Promise<PgProfile> {
  await adminQuery(`ALTER DATABASE ${database} SET log_statement_stats = on`);
  const from = statSync(LOG).size;
  return {
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

/** Sums the CPU of each statement text (whitespace collapsed) over the log's STATISTICS entries for `database`. */
export function parse(text: string, database: string): StatementCost[] {
  const lines = text.split("\n");
  const pending = new Map<string, number>(); // pid -> CPU of the entry whose STATEMENT line follows
  const out = new Map<string, StatementCost>();
  for (let i = 0; i < lines.length; i++) {
    const m = HEAD.exec(lines[i]);
    if (!m || m[2] !== database) continue;
    const [, pid, , kind] = m;
    if (kind === "DETAIL") {
      for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
        const u = USAGE.exec(lines[j]);
        if (u) {
          pending.set(pid, Number(u[1]) + Number(u[2]));
          break;
        }
      }
    } else if (kind === "STATEMENT" && pending.has(pid)) {
      let stmt = m[4];
      for (let j = i + 1; j < lines.length && lines[j].startsWith("\t"); j++) stmt += ` ${lines[j]}`;
      const key = stmt.replace(/\s+/g, " ").trim();
      const c = out.get(key) ?? { statement: key, calls: 0, cpu: 0 };
      c.calls++;
      c.cpu += pending.get(pid)!;
      pending.delete(pid);
      out.set(key, c);
    }
  }
  return [...out.values()].sort((a, b) => b.cpu - a.cpu);
}
