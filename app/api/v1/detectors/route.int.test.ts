/** The detector routes with a retrain schedule: validated as BullMQ would run it, scheduled at once. */
import { describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withRouteQueues } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { jobIds } from "@/lib/queue/contract";
import { getQueueBackend } from "@/lib/server/queue";
import { GET as list, POST as create } from "@/app/api/v1/detectors/route";
import { DELETE as remove, GET as read, PATCH as patch } from "@/app/api/v1/detectors/[id]/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));

withRouteQueues(["train"]);

const URL = "http://localhost/api/v1/detectors";
const ctx = routeContext;
const send = jsonRequest;
const schedulers = async () =>
  (await (await getQueueBackend()).queue("train").getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s.pattern]);
const stored = async (id: string) => (await getPrisma().detector.findUniqueOrThrow({ where: { id }, select: { retrainCron: true } })).retrainCron;

describe("retrainCron through the detector API", () => {
  let id = "";
  const sid = () => jobIds.trainScheduler(id);

  it("422 naming retrainCron for a pattern BullMQ cannot run; nothing is created", async () => {
    for (const retrainCron of ["every night", "0 25 * * *", "* * * * * *"]) {
      const res = await create(send("POST", URL, { name: "bad", algorithm: "lof", retrainCron }), ctx());
      expect(res.status).toBe(422);
      expect((await res.json()).error.issues).toEqual([{ path: "retrainCron", message: expect.stringContaining("expected cron, e.g. 0 3 * * *") }]);
    }
    expect(await getPrisma().detector.count()).toBe(0);
    expect((await list(send("GET", URL), ctx())).status).toBe(200);
  });

  it("creating a trained detector with a cron schedules it before the answer", async () => {
    const res = await create(send("POST", URL, { name: "forest", algorithm: "isolation-forest", retrainCron: " 0 3  * * * " }), ctx());
    expect(res.status).toBe(201);
    const detector = await res.json();
    id = detector.id;
    expect(detector.retrainCron).toBe("0 3 * * *");
    expect(await schedulers()).toEqual([[sid(), "0 3 * * *"]]);
    expect((await (await read(send("GET", `${URL}/${id}`), ctx(id))).json())).toMatchObject({ name: "forest", retrainCron: "0 3 * * *" });
  });

  it("an edited cron is rescheduled at once; a bad one is a 422 that changes nothing", async () => {
    const res = await patch(send("PATCH", `${URL}/${id}`, { retrainCron: "15 2 * * 1" }), ctx(id));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, name: "forest", retrainCron: "15 2 * * 1" });
    expect(await schedulers()).toEqual([[sid(), "15 2 * * 1"]]);
    const audit = await getPrisma().auditLog.findFirstOrThrow({ where: { entityId: id }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ userId: "admin", action: "update", details: { retrainCron: "15 2 * * 1" } });

    const bad = await patch(send("PATCH", `${URL}/${id}`, { threshold: 0.9, retrainCron: "61 * * * *" }), ctx(id));
    expect(bad.status).toBe(422);
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(["retrainCron"]);
    expect(await stored(id)).toBe("15 2 * * 1");
  });

  it("an edit refused for another field leaves the schedule as it was", async () => {
    await create(send("POST", URL, { name: "other", algorithm: "zscore" }), ctx());
    const res = await patch(send("PATCH", `${URL}/${id}`, { name: "other", retrainCron: "0 4 * * *" }), ctx(id));
    expect(res.status).toBe(409);
    expect(await stored(id)).toBe("15 2 * * 1");
    expect(await schedulers()).toEqual([[sid(), "15 2 * * 1"]]);
  });

  it("disabling, clearing, switching to an untrained algorithm or deleting removes the scheduler at once", async () => {
    await patch(send("PATCH", `${URL}/${id}`, { enabled: false }), ctx(id));
    expect(await schedulers()).toEqual([]);
    expect(await stored(id)).toBe("15 2 * * 1"); // kept for when it is enabled again
    await patch(send("PATCH", `${URL}/${id}`, { enabled: true }), ctx(id));
    expect(await schedulers()).toEqual([[sid(), "15 2 * * 1"]]);

    const cleared = await patch(send("PATCH", `${URL}/${id}`, { retrainCron: "" }), ctx(id));
    expect((await cleared.json()).retrainCron).toBeNull();
    expect(await schedulers()).toEqual([]);

    await patch(send("PATCH", `${URL}/${id}`, { retrainCron: "0 3 * * *" }), ctx(id));
    await patch(send("PATCH", `${URL}/${id}`, { algorithm: "zscore", params: {} }), ctx(id));
    expect(await schedulers()).toEqual([]);
    await patch(send("PATCH", `${URL}/${id}`, { algorithm: "kmeans", params: {} }), ctx(id));
    expect(await schedulers()).toEqual([[sid(), "0 3 * * *"]]);

    expect((await remove(send("DELETE", `${URL}/${id}`), ctx(id))).status).toBe(204);
    expect(await schedulers()).toEqual([]);
  });
});
