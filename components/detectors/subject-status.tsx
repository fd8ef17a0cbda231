import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatNumber, seriesTitle } from "@/components/format";
import type { SubjectMember, SubjectStatus } from "@/lib/server/queries/subject-status";

/** Seconds as people read a lag: 0 s, 45 s, 12 min, 3.5 h, 2.0 d. */
export function formatLag(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** A group's key as a title: `host="a"`, or "listed series". */
function groupTitle(key: string): string {
  if (key === "list") return "listed series";
  try {
    return Object.entries(JSON.parse(key) as Record<string, string>).map(([k, v]) => `${k}="${v}"`).join(", ");
  } catch {
    return key;
  }
}

const memberLink = (m: SubjectMember) => <Link key={m.seriesId} href={`/series/${m.seriesId}`}>{seriesTitle(m.metric, m.labels)}</Link>;

/**
 * How far detection has got per subject. State, watermark and model belong to the subject: a
 * series, or for a grouped detector its group (the members are listed under it).
 */
export function SubjectStatusPanel({ status, total, grouped, needsTraining, ungrouped }: { status: SubjectStatus[]; total: number; grouped: boolean; needsTraining: boolean; ungrouped: SubjectMember[] }) {
  const model = needsTraining ? [{ header: "Model", cell: (s: SubjectStatus) => (s.modelVersion !== null ? `version ${s.modelVersion}` : "none yet") }] : [];
  const common = [
    { header: "Scored up to", cell: (s: SubjectStatus) => formatDateTime(s.watermark) },
    { header: "Latest point", cell: (s: SubjectStatus) => formatDateTime(s.latest) },
    { header: "Lag", cell: (s: SubjectStatus) => formatLag(s.lagSeconds) },
    { header: "Pending", cell: (s: SubjectStatus) => formatNumber(s.pending) },
    ...model,
  ];
  return (
    <section className="panel" aria-label={grouped ? "Group status" : "Series status"}>
      <h2>{grouped ? "Groups" : "Series"}</h2>
      {grouped && <p className="hint">Each group is scored as one vector per step, with its own state and model; its members are listed under it.</p>}
      {total > status.length && <p className="hint">The first {formatNumber(status.length)} of {formatNumber(total)} {grouped ? "groups, by key" : "attached series, by metric"}.</p>}
      <DataTable
        rows={status}
        rowKey={(s) => s.subjectId}
        empty={grouped ? "No complete group yet." : "No series attached."}
        label={grouped ? "Groups and their members" : undefined}
        columns={
          grouped
            ? [
                {
                  header: "Group",
                  cell: (s) => (
                    <div className="subject-group">
                      <strong>{groupTitle(s.group ?? "")}</strong>
                      <ul className="subject-members" aria-label="Members">{s.members.map((m) => <li key={m.seriesId}>{memberLink(m)}</li>)}</ul>
                    </div>
                  ),
                },
                ...common,
              ]
            : [{ header: "Series", cell: (s) => memberLink(s.members[0]) }, ...common]
        }
      />
      {ungrouped.length > 0 && (
        <>
          <h3>Not in a group yet</h3>
          <p className="hint">A group is scored once a series exists for each of its metrics; until then these series are not scored.</p>
          <ul className="subject-members" aria-label="Series not in a group">{ungrouped.map((m) => <li key={m.seriesId}>{memberLink(m)}</li>)}</ul>
        </>
      )}
    </section>
  );
}
