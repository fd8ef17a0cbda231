"use client";
/**
 * The triage queue: server-side filters and keyset pages (the URL holds both), many selected and
 * changed at once, a keyboard for all of it, and polling that keeps the selection and the cursor.
 */
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AnomalyItem, AnomalyStatus } from "@/lib/anomalies/schemas";
import { objectToSearchParams, searchParamsToObject } from "@/lib/anomalies/search-params";
import { formatDateTime, formatLabels } from "@/components/format";
import { useCan } from "@/components/use-can";
import { KeysHelp } from "@/components/anomalies/keys-help";
import { QueueFilters, type Named } from "@/components/anomalies/queue-filters";
import { useQueueKeys, type QueueAction } from "@/components/anomalies/queue-keys";
import { DetectionBadge, StatusBadge, SuppressedBadge } from "@/components/anomalies/badges";
import { useAnomalyPage, useAssignees, useBulkChange, type AnomalyFilter } from "@/components/anomalies/use-anomalies";
import { LabelBadge } from "@/components/feedback/label-badge";
import { useAddLabels } from "@/components/feedback/use-feedback";
import type { LabelValue } from "@/lib/feedback/schemas";

export function AnomalyQueue({ userId, sources, detectors }: { userId: string; sources: Named[]; detectors: Named[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const filter = useMemo<AnomalyFilter>(() => searchParamsToObject(new URLSearchParams(search.toString())), [search]);
  const list = useAnomalyPage(filter);
  const assignees = useAssignees();
  const bulk = useBulkChange();
  const canTriage = useCan("anomalies:triage");
  const canAssign = useCan("anomalies:assign");
  const canLabel = useCan("anomalies:label");
  const labels = useAddLabels();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focusId, setFocusId] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [previous, setPrevious] = useState<(string | undefined)[]>([]);
  const rows = useMemo(() => list.data?.items ?? [], [list.data]);
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());

  const navigate = (next: AnomalyFilter) => router.replace(`${pathname}?${objectToSearchParams(next)}`, { scroll: false });
  const setFilter = (next: AnomalyFilter) => {
    setPrevious([]);
    setSelected(new Set());
    navigate({ ...next, cursor: undefined });
  };
  const goTo = (cursor: string | undefined, back: boolean) => {
    setPrevious((p) => (back ? p.slice(0, -1) : [...p, filter.cursor as string | undefined]));
    setFocusId(null);
    navigate({ ...filter, cursor });
  };

  // The focused row stays the same anomaly while polling reorders the page; it falls back to the first row.
  const focusIndex = Math.max(0, rows.findIndex((r) => r.id === focusId));
  const focused: AnomalyItem | undefined = rows[focusIndex];
  useEffect(() => {
    if (focusId && rowRefs.current.get(focusId) && document.activeElement?.closest("tr") !== rowRefs.current.get(focusId)) {
      rowRefs.current.get(focusId)?.focus();
    }
  }, [focusId]);

  const targets = useCallback(() => (selected.size ? [...selected] : focused ? [focused.id] : []), [selected, focused]);
  const change = (c: { status?: AnomalyStatus; assigneeId?: string | null }) => {
    const ids = targets();
    if (ids.length) bulk.mutate({ ids, ...c });
  };
  const label = (value: LabelValue) => {
    const ids = targets();
    if (ids.length) labels.mutate({ ids, label: { value } });
  };
  const toggle = (id: string) => setSelected((s) => {
    const next = new Set(s);
    if (!next.delete(id)) next.add(id);
    return next;
  });

  useQueueKeys((action: QueueAction) => {
    if (help) return action === "help" || action === "clear" ? setHelp(false) : undefined;
    const move = (by: number) => rows.length && setFocusId(rows[Math.min(rows.length - 1, Math.max(0, focusIndex + by))].id);
    switch (action) {
      case "next": return move(focusId ? 1 : 0);
      case "previous": return move(-1);
      case "open": return focused && router.push(`/anomalies/${focused.id}`);
      case "select": return focused && toggle(focused.id);
      case "acknowledge": return canTriage && change({ status: "ACKNOWLEDGED" });
      case "resolve": return canTriage && change({ status: "RESOLVED" });
      case "reopen": return canTriage && change({ status: "OPEN" });
      case "assignMe": return canAssign && change({ assigneeId: userId });
      case "labelTrue": return canLabel && label("TRUE_POSITIVE");
      case "labelFalse": return canLabel && label("FALSE_POSITIVE");
      case "labelUnsure": return canLabel && label("UNSURE");
      case "clear": return setSelected(new Set());
      case "help": return setHelp(true);
    }
  });

  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));
  return (
    <>
      <div className="page-head">
        <h1>Anomalies</h1>
        <div className="actions-inline">
          <span className="muted" aria-live="polite">{list.isFetching ? "Refreshing…" : "Live: refreshes every 5 s"}</span>
          <button type="button" className="secondary" onClick={() => setHelp(true)} aria-keyshortcuts="?">Keyboard shortcuts (?)</button>
        </div>
      </div>
      <QueueFilters key={search.toString()} filter={filter} onChange={setFilter} sources={sources} detectors={detectors} assignees={assignees.data ?? []} />
      {(canTriage || canAssign || canLabel) && (
        <div className="bulk-bar" role="toolbar" aria-label="Change selected anomalies">
          <span>{selected.size ? `${selected.size} selected` : focused ? "Acts on the highlighted row" : "Nothing selected"}</span>
          {canTriage && <button type="button" onClick={() => change({ status: "ACKNOWLEDGED" })}>Acknowledge</button>}
          {canAssign && <button type="button" onClick={() => change({ assigneeId: userId })}>Assign to me</button>}
          {canAssign && (
            <label>
              Assign to
              <select value="" onChange={(e) => e.target.value && change({ assigneeId: e.target.value === "none" ? null : e.target.value })}>
                <option value="">choose…</option>
                <option value="none">nobody (unassign)</option>
                {(assignees.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
              </select>
            </label>
          )}
          {canTriage && <button type="button" onClick={() => change({ status: "RESOLVED" })}>Resolve</button>}
          {canTriage && <button type="button" className="secondary" onClick={() => change({ status: "OPEN" })}>Reopen</button>}
          {canLabel && <button type="button" className="secondary" aria-keyshortcuts="t" onClick={() => label("TRUE_POSITIVE")}>True positive</button>}
          {canLabel && <button type="button" className="secondary" aria-keyshortcuts="f" onClick={() => label("FALSE_POSITIVE")}>False positive</button>}
          {selected.size > 0 && <button type="button" className="secondary" onClick={() => setSelected(new Set())}>Clear selection</button>}
          <span role="status" className={bulk.error || labels.error ? "error" : "muted"}>
            {bulk.error ? bulk.error.message : labels.error ? labels.error.message : labels.data ? `${labels.data} labelled` : bulk.data ? `${bulk.data.updated} changed` : ""}
          </span>
        </div>
      )}
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {rows.length === 0 && !list.isPending ? (
        <div className="empty">No anomalies match.</div>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Anomalies">
          <table className="table queue">
            <thead>
              <tr>
                <th scope="col"><input type="checkbox" aria-label="Select all on this page" checked={allOnPage} onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.id)))} /></th>
                <th scope="col">Started</th><th scope="col">Series</th><th scope="col">Source</th><th scope="col">Detector</th>
                <th scope="col">Severity</th><th scope="col">Score</th><th scope="col">Status</th><th scope="col">Label</th><th scope="col">Assignee</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr
                  key={a.id}
                  ref={(el) => { if (el) rowRefs.current.set(a.id, el); else rowRefs.current.delete(a.id); }}
                  tabIndex={a.id === focused?.id ? 0 : -1}
                  className={[a.id === focused?.id && focusId ? "focused" : "", selected.has(a.id) ? "selected" : ""].join(" ")}
                  data-anomaly-id={a.id}
                  onFocus={() => setFocusId(a.id)}
                >
                  <td><input type="checkbox" aria-label={`Select ${a.series.metric} at ${formatDateTime(a.startTs)}`} checked={selected.has(a.id)} onChange={() => toggle(a.id)} /></td>
                  <td>{formatDateTime(a.startTs)}</td>
                  <td><Link href={`/anomalies/${a.id}`}>{a.series.metric}<span className="muted">{formatLabels(a.series.labels)}</span></Link></td>
                  <td>{a.source.name}</td>
                  <td>{a.detector.name}</td>
                  <td><span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity.toLowerCase()}</span></td>
                  <td>{a.peakScore.toFixed(3)}</td>
                  <td><StatusBadge status={a.status} /> <DetectionBadge a={a} /> <SuppressedBadge a={a} /></td>
                  <td><LabelBadge value={a.label} /></td>
                  <td>{a.assignee?.email ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {filter.cursor && <button type="button" className="secondary" onClick={() => { setPrevious([]); navigate({ ...filter, cursor: undefined }); }}>First page</button>}
        {filter.cursor && <button type="button" className="secondary" onClick={() => goTo(previous.at(-1), true)}>Previous</button>}
        {list.data?.nextCursor && <button type="button" className="secondary" onClick={() => goTo(list.data!.nextCursor!, false)}>Next</button>}
      </nav>
      {help && <KeysHelp onClose={() => setHelp(false)} />}
    </>
  );
}
