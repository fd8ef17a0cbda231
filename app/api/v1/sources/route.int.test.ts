/** A pulled source's poll scheduler follows the sources API at once, not at the worker's next sync. */
import { describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withRouteQueues } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { jobIds } from "@/lib/queue/contract";
import { createQueueBackend } from "@/lib/queue/connection";
import { getQueueBackend } from "@/lib/server/queue";
import { POST as create } from "@/app/api/v1/sources/route";
import { DELETE as remove, PATCH as patch } from "@/app/api/v1/sources/[id]/route";

const db = withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));

withRouteQueues(["poll"]);

const URL = "http://localhost/api/v1/sources";
const ctx = routeContext;
const send = jsonRequest;
const schedulers = async () => (await (await getQueueBackend()).queue("poll").getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s.every]);
const config = (interval: number) => ({ url: "http://127.0.0.1:9/metrics", format: "json", mapping: { timestamp: "t", value: "v" }, interval });

describe("sources API -> poll schedulers", () => {
  it("create, edit, pause and delete change the source's scheduler before the answer", async () => {
    const res = await create(send("POST", URL, { name: "pulled", kind: "HTTP_POLL", config: config(10) }), ctx());
    expect(res.status).toBe(201);
    const { id } = await res.json();
    expect(await schedulers()).toEqual([[jobIds.pollScheduler(id), 10_000]]);

    expect((await patch(send("PATCH", `${URL}/${id}`, { config: config(60) }), ctx(id))).status).toBe(200);
    expect(await schedulers()).toEqual([[jobIds.pollScheduler(id), 60_000]]);
    await patch(send("PATCH", `${URL}/${id}`, { status: "PAUSED" }), ctx(id));
    expect(await schedulers()).toEqual([]);
    await patch(send("PATCH", `${URL}/${id}`, { status: "ACTIVE" }), ctx(id));
    expect(await schedulers()).toEqual([[jobIds.pollScheduler(id), 60_000]]);

    expect((await remove(send("DELETE", `${URL}/${id}`), ctx(id))).status).toBe(204);
    expect(await schedulers()).toEqual([]);
  });

  it("a queue that is down does not fail the write: it is committed and the worker's sync catches up", async () => {
    const live = (globalThis as { vigilQueue?: ReturnType<typeof getQueueBackend> }).vigilQueue;
    const dead = createQueueBackend({ redisUrl: "redis://127.0.0.1:1", databaseUrl: db.url(), prefix: "dead" }, () => undefined);
    (globalThis as { vigilQueue?: ReturnType<typeof getQueueBackend> }).vigilQueue = Promise.resolve(dead);
    try {
      const res = await create(send("POST", URL, { name: "while-down", kind: "PROMETHEUS", config: { baseUrl: "http://127.0.0.1:9", query: "up", step: 15, interval: 30 } }), ctx());
      expect(res.status).toBe(201);
      expect(await getPrisma().dataSource.count({ where: { name: "while-down" } })).toBe(1);
      // A sync that fails outright (rather than hanging) is the same.
      const broken = {
        queue: () => {
          throw new Error("queue gone");
        },
      } as unknown as typeof dead;
      (globalThis as { vigilQueue?: ReturnType<typeof getQueueBackend> }).vigilQueue = Promise.resolve(broken);
      const { id } = await getPrisma().dataSource.findFirstOrThrow({ where: { name: "while-down" } });
      const paused = await patch(send("PATCH", `${URL}/${id}`, { status: "PAUSED" }), ctx(id));
      expect(paused.status).toBe(200);
      expect((await getPrisma().dataSource.findUniqueOrThrow({ where: { id } })).status).toBe("PAUSED");
    } finally {
      (globalThis as { vigilQueue?: ReturnType<typeof getQueueBackend> }).vigilQueue = live;
      await dead.close();
    }
  });
});
