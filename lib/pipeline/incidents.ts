/**
 * Incident identity: what re-detection does to the stored incidents of one (detector, series).
 *
 * A run re-scores a window and produces events; stored incidents that touch the window are the
 * candidates. Each event takes over the candidates whose span overlaps it: the first of them keeps
 * its identity (its id, triage, labels, comments, deliveries) and gets the event's span, the others
 * are merged into it. An event that overlaps none is a new incident; one that overlaps only
 * candidates an earlier event already took is a split of that incident. A candidate no event
 * overlaps is gone. Nothing is deleted: gone and merged incidents are revived when a later
 * re-detection finds them again. Pure and deterministic (same inputs, same plan).
 */

export type IncidentState = "ACTIVE" | "MERGED" | "GONE";

export interface StoredIncident {
  id: string;
  start: number;
  end: number;
  detection: IncidentState;
}

export interface FoundEvent {
  start: number;
  end: number;
}

export type IncidentPlan<E extends FoundEvent> = {
  /** Events that keep a stored incident's identity; `revived` when that incident was gone or merged. */
  update: { id: string; event: E; revived: boolean }[];
  /** New incidents; `splitFrom` when the event overlapped only incidents already taken. */
  create: { event: E; splitFrom?: string }[];
  merged: { id: string; into: string }[];
  gone: string[];
};

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start <= b.end && b.start <= a.end;

/** Active first, then the earliest start, then the id: the incident people most likely triaged. */
function byPreference(a: StoredIncident, b: StoredIncident): number {
  const rank = (s: IncidentState) => (s === "ACTIVE" ? 0 : s === "MERGED" ? 1 : 2);
  return rank(a.detection) - rank(b.detection) || a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function planIncidents<E extends FoundEvent>(candidates: readonly StoredIncident[], events: readonly E[]): IncidentPlan<E> {
  const plan: IncidentPlan<E> = { update: [], create: [], merged: [], gone: [] };
  const taken = new Set<string>();
  const sortedEvents = [...events].sort((a, b) => a.start - b.start);
  for (const event of sortedEvents) {
    const touching = candidates.filter((c) => overlaps(c, event));
    const free = touching.filter((c) => !taken.has(c.id)).sort(byPreference);
    if (free.length === 0) {
      const parent = touching.sort(byPreference)[0];
      plan.create.push(parent ? { event, splitFrom: parent.id } : { event });
      continue;
    }
    const [keep, ...rest] = free;
    plan.update.push({ id: keep.id, event, revived: keep.detection !== "ACTIVE" });
    taken.add(keep.id);
    for (const other of rest) {
      taken.add(other.id);
      if (other.detection === "ACTIVE") plan.merged.push({ id: other.id, into: keep.id });
    }
  }
  for (const c of candidates) if (!taken.has(c.id) && c.detection === "ACTIVE") plan.gone.push(c.id);
  return plan;
}
