import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { resetEnvForTests } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { verifyPassword } from "@/lib/auth/password";
import { seed } from "@/prisma/seed";

withTestDatabase();
const dataDir = mkdtempSync(path.join(tmpdir(), "vigil-seed-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("demo seed", () => {
  it("creates one account per role with printed passwords and loads the sample series", async () => {
    process.env.VIGIL_DATA_DIR = dataDir;
    resetEnvForTests();
    const lines: string[] = [];
    await seed((l) => lines.push(l));
    const users = await getPrisma().user.findMany({ orderBy: { email: "asc" } });
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ["admin@vigil.local", "ADMIN"],
      ["analyst@vigil.local", "ANALYST"],
      ["operator@vigil.local", "OPERATOR"],
    ]);
    const printed = lines.join("\n").match(/admin@vigil\.local {2}password: (\S+)/);
    expect(printed).not.toBeNull();
    expect(await verifyPassword(users[0].passwordHash, printed![1])).toBe(true);
    expect(readFileSync(path.join(dataDir, "demo-accounts.txt"), "utf8")).toContain(printed![1]);

    const series = await getPrisma().series.findMany({
      where: { source: { name: "NAB samples" } },
      include: { _count: { select: { points: true } } },
    });
    expect(series.map((s) => s.metric).sort()).toEqual([
      "art_daily_jumpsup",
      "cpu_utilization_asg_misconfiguration",
      "machine_temperature_system_failure",
      "nyc_taxi",
    ]);
    const taxi = series.find((s) => s.metric === "nyc_taxi")!;
    expect(taxi._count.points).toBe(10320);
    // The live demo source comes with history and a detector watching it.
    const live = await getPrisma().dataSource.findUniqueOrThrow({ where: { name: "Demo live" }, include: { series: true } });
    expect(live.kind).toBe("HTTP_PUSH");
    expect(live.series.length).toBeGreaterThan(0);
    expect(await getPrisma().detectorSeries.count({ where: { seriesId: { in: live.series.map((s) => s.id) }, detector: { grouping: { equals: Prisma.DbNull } } } })).toBe(live.series.length);
    // And a grouped detector: the live hosts' cpu as one group, members in label order.
    const grouped = await getPrisma().seriesGroup.findFirstOrThrow({ where: { detector: { name: "Demo hosts cpu (grouped)" } }, include: { members: { orderBy: { position: "asc" }, include: { series: true } } } });
    expect(grouped.members.map((m) => [m.series.metric, (m.series.labels as { host: string }).host])).toEqual([["cpu", "web-1"], ["cpu", "web-2"], ["cpu", "web-3"]]);

    // A populated queue: the demo detector has scored the samples, and the demo accounts have worked some of it.
    const demo = { detector: { name: "Default (NAB samples)" } };
    const count = (where: object) => getPrisma().anomaly.count({ where: { ...demo, ...where } });
    expect(await count({ status: "OPEN" })).toBeGreaterThan(0);
    expect(await count({ status: "ACKNOWLEDGED" })).toBeGreaterThan(0);
    expect(await count({ status: "RESOLVED", resolvedAt: { not: null } })).toBeGreaterThan(0);
    expect(await count({ assignee: { email: "operator@vigil.local" } })).toBeGreaterThan(0);
    const resolved = await getPrisma().anomaly.findFirstOrThrow({ where: { ...demo, status: "RESOLVED" }, include: { activity: { orderBy: { id: "asc" } }, comments: true } });
    expect(resolved.activity.map((a) => a.kind)).toEqual(["status", "assign", "comment", "status"]);
    expect(resolved.comments).toHaveLength(1);
    expect(lines.join("\n")).toMatch(/Demo queue: \d+ anomalies, \d+ acknowledged, \d+ assigned, \d+ resolved/);
  });

  it("keeps the data and the accounts when run again", async () => {
    const before = await getPrisma().user.findMany({ select: { id: true, passwordHash: true }, orderBy: { email: "asc" } });
    const points = await getPrisma().dataPoint.count();
    const history = await getPrisma().anomalyActivity.count();
    const lines: string[] = [];
    await seed((l) => lines.push(l));
    expect(await getPrisma().user.findMany({ select: { id: true, passwordHash: true }, orderBy: { email: "asc" } })).toEqual(before);
    expect(await getPrisma().dataPoint.count()).toBe(points);
    expect(await getPrisma().anomalyActivity.count()).toBe(history);
    expect(lines.join("\n")).toContain("already exist");
    expect(lines.join("\n")).not.toContain("password:");
  });
});
