import { describe, expect, it } from "vitest";
import { planIncidents, type StoredIncident } from "./incidents";

const inc = (id: string, start: number, end: number, detection: StoredIncident["detection"] = "ACTIVE"): StoredIncident => ({ id, start, end, detection });
const ev = (start: number, end: number) => ({ start, end });

describe("planIncidents", () => {
  it("keeps the identity of an incident whose span changed", () => {
    expect(planIncidents([inc("a", 640, 649)], [ev(645, 649)])).toEqual({ update: [{ id: "a", event: ev(645, 649), revived: false }], create: [], merged: [], gone: [] });
    expect(planIncidents([inc("a", 640, 649)], [ev(630, 660)]).update[0].id).toBe("a");
  });

  it("creates incidents that overlap nothing stored", () => {
    const plan = planIncidents([inc("a", 10, 12)], [ev(10, 12), ev(20, 25)]);
    expect(plan.update.map((u) => u.id)).toEqual(["a"]);
    expect(plan.create).toEqual([{ event: ev(20, 25) }]);
  });

  it("merges neighbours one event now covers into the earliest", () => {
    const plan = planIncidents([inc("b", 20, 25), inc("a", 10, 12)], [ev(10, 25)]);
    expect(plan.update).toEqual([{ id: "a", event: ev(10, 25), revived: false }]);
    expect(plan.merged).toEqual([{ id: "b", into: "a" }]);
    expect(plan.gone).toEqual([]);
  });

  it("splits: the first part keeps the identity, the rest is new and says where it came from", () => {
    const plan = planIncidents([inc("a", 10, 30)], [ev(10, 14), ev(20, 30)]);
    expect(plan.update).toEqual([{ id: "a", event: ev(10, 14), revived: false }]);
    expect(plan.create).toEqual([{ event: ev(20, 30), splitFrom: "a" }]);
  });

  it("marks what is no longer found as gone, and revives it when found again", () => {
    expect(planIncidents([inc("a", 10, 12), inc("b", 40, 41)], [ev(10, 12)]).gone).toEqual(["b"]);
    const plan = planIncidents([inc("b", 40, 41, "GONE")], [ev(40, 42)]);
    expect(plan.update).toEqual([{ id: "b", event: ev(40, 42), revived: true }]);
  });

  it("prefers an active incident over a gone one at the same place", () => {
    const plan = planIncidents([inc("old", 5, 12, "GONE"), inc("new", 10, 12)], [ev(8, 12)]);
    expect(plan.update[0].id).toBe("new");
    expect(plan.merged).toEqual([]);
  });

  it("never leaves two active incidents overlapping", () => {
    const stored = [inc("a", 0, 5), inc("b", 6, 9), inc("c", 10, 20), inc("d", 30, 31, "GONE")];
    const events = [ev(2, 12), ev(15, 18), ev(30, 40)];
    const plan = planIncidents(stored, events);
    const active = new Map(stored.map((s) => [s.id, s] as const));
    for (const g of plan.gone) active.delete(g);
    for (const m of plan.merged) active.delete(m.id);
    const spans = [...plan.update.map((u) => u.event), ...plan.create.map((c) => c.event)].sort((x, y) => x.start - y.start);
    for (let i = 1; i < spans.length; i++) expect(spans[i].start).toBeGreaterThan(spans[i - 1].end);
    expect(spans.length).toBe(events.length);
  });
});
