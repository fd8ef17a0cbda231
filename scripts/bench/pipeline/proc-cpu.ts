/**
 * CPU seconds spent by a set of processes during a run, from /proc/<pid>/stat (utime + stime):
 * the bench's PostgreSQL backends (every `postgres:` process serving its scratch database, found
 * by the database name in its title) and its worker processes (their process groups). Processes
 * are sampled every 200 ms; one that starts during the run counts from zero, one that ends keeps
 * its last sample, so short-lived connections count too (up to 200 ms of their last work).
 * Linux only; elsewhere the figures are null.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS = 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

interface Proc {
  pgrp: number;
  cpu: number;
  title: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after "(comm) ": state(0) ppid(1) pgrp(2) ... utime(11) stime(12).
    const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    return { pgrp: Number(f[2]), cpu: (Number(f[11]) + Number(f[12])) / TICKS, title };
  } catch {
    return null; // gone meanwhile
  }
}

function pids(): number[] {
  try {
    return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

export interface CpuMeter {
  /** Stops sampling; CPU seconds of the database's backends and of the workers since `startCpuMeter`. */
  stop(): { postgres: number; workers: number } | { postgres: null; workers: null };
}

/** `exclude`: backends not to count (the bench's own polling connection). */
export function startCpuMeter(database: string, workerGroups: number[], exclude: number[] = []): CpuMeter {
  const groups = new Set(workerGroups);
  const skip = new Set(exclude);
  const ours = new RegExp(`^postgres: .* ${database}( |$)`);
  const base = new Map<number, number>();
  const last = new Map<number, { cpu: number; kind: "postgres" | "workers" }>();
  const kindOf = (p: Proc) =>
    groups.has(p.pgrp) ? "workers" : ours.test(p.title.trim()) ? "postgres" : null;
  let first = true;
  const sample = () => {
    for (const pid of pids()) {
      if (skip.has(pid)) continue;
      const p = readProc(pid);
      if (!p) continue;
      const kind = kindOf(p);
      if (!kind) continue;
      if (!base.has(pid)) base.set(pid, first ? p.cpu : 0);
      last.set(pid, { cpu: p.cpu, kind });
    }
    first = false;
  };
  sample();
  const available = last.size > 0 || pids().length > 0;
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      if (!available) return { postgres: null, workers: null };
      const out = { postgres: 0, workers: 0 };
      for (const [pid, l] of last) out[l.kind] += l.cpu - (base.get(pid) ?? 0);
      return out;
    },
  };
}
