/**
 * The triage queue's read side: one keyset page of anomalies, filtered and sorted in SQL, and one
 * anomaly by id. Nothing is counted: a page costs the same at the first row and the millionth.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import {
  SEVERITIES,
  encodeAnomalyCursor,
  type AnomalyCursor,
  type AnomalyDetail,
  type AnomalyItem,
  type AnomalyPage,
  type AnomalySort,
  type TAnomalyListQuery,
} from "@/lib/anomalies/schemas";
import { listGroupMembers } from "@/lib/server/queries/subjects";
import type { MemberAttribution } from "@/lib/server/queries/incidents";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

interface AnomalyDbRow {
  id: string;
  detectorId: string;
  detectorName: string;
  seriesId: string;
  metric: string;
  labels: Record<string, string>;
  sourceId: string;
  sourceName: string;
  startTs: Date;
  endTs: Date;
  peakTs: Date;
  peakScore: number;
  severity: AnomalyItem["severity"];
  sevRank: number;
  actual: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
  pointCount: number;
  ongoing: boolean;
  detection: AnomalyItem["detection"];
  mergedIntoId: string | null;
  suppressedById: string | null;
  status: AnomalyItem["status"];
  assigneeId: string | null;
  assigneeEmail: string | null;
  assigneeName: string | null;
  acknowledgedAt: Date | null;
  resolvedAt: Date | null;
  updatedAt: Date;
  currentLabel: AnomalyItem["label"];
}

/** The incident's current label: the latest of its own and of the incidents merged into it (lib/feedback). */
const CURRENT_LABEL = Prisma.sql`(SELECT l.value::text FROM "AnomalyLabel" l
    WHERE l."anomalyId" = ANY(ARRAY(SELECT a.id UNION ALL SELECT m.id FROM "Anomaly" m WHERE m."mergedIntoId" = a.id))
    ORDER BY l."createdAt" DESC, l.id DESC LIMIT 1)`;

const SELECT = Prisma.sql`
  SELECT a.id, a."detectorId", d.name AS "detectorName", a."seriesId", s.metric, s.labels,
    s."sourceId", src.name AS "sourceName", a."startTs", a."endTs", a."peakTs", a."peakScore",
    a.severity::text AS severity, (array_position(enum_range(NULL::"Severity"), a.severity))::int AS "sevRank",
    a.actual, a.expected, a.lower, a.upper, a."pointCount", a.ongoing, a.detection::text AS detection,
    a."mergedIntoId", a."suppressedById", a.status::text AS status, a."assigneeId", u.email AS "assigneeEmail", u.name AS "assigneeName",
    a."acknowledgedAt", a."resolvedAt", a."updatedAt", ${CURRENT_LABEL} AS "currentLabel"
  FROM "Anomaly" a
  JOIN "Series" s ON s.id = a."seriesId"
  JOIN "DataSource" src ON src.id = s."sourceId"
  JOIN "Detector" d ON d.id = a."detectorId"
  LEFT JOIN "User" u ON u.id = a."assigneeId"`;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toItem(r: AnomalyDbRow): AnomalyItem {
  return {
    id: r.id,
    detector: { id: r.detectorId, name: r.detectorName },
    series: { id: r.seriesId, metric: r.metric, labels: r.labels ?? {} },
    source: { id: r.sourceId, name: r.sourceName },
    startTs: r.startTs.toISOString(),
    endTs: r.endTs.toISOString(),
    peakTs: r.peakTs.toISOString(),
    peakScore: r.peakScore,
    severity: r.severity,
    actual: r.actual,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
    pointCount: r.pointCount,
    ongoing: r.ongoing,
    detection: r.detection,
    mergedIntoId: r.mergedIntoId,
    suppressedById: r.suppressedById,
    status: r.status,
    assignee: r.assigneeId ? { id: r.assigneeId, email: r.assigneeEmail ?? "", name: r.assigneeName } : null,
    acknowledgedAt: iso(r.acknowledgedAt),
    resolvedAt: iso(r.resolvedAt),
    updatedAt: r.updatedAt.toISOString(),
    label: r.currentLabel,
  };
}

/** One value is an equality (the planner then walks a composite index in order), more are `= ANY`. */
function anyOf(values: readonly string[], column: Prisma.Sql, type: string): Prisma.Sql {
  if (values.length === 0) return Prisma.empty;
  if (values.length === 1) return Prisma.sql`AND ${column} = ${values[0]}::${Prisma.raw(type)}`;
  return Prisma.sql`AND ${column} = ANY(${values}::${Prisma.raw(type)}[])`;
}

/** The WHERE clause of a list query (without the cursor), for the caller `userId`. */
export function anomalyFilterSql(q: TAnomalyListQuery, userId: string): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    anyOf(q.status, Prisma.sql`a.status`, `"AnomalyStatus"`),
    anyOf(q.severity, Prisma.sql`a.severity`, `"Severity"`),
    anyOf(q.detection, Prisma.sql`a.detection`, `"IncidentState"`),
    anyOf(q.detectorId, Prisma.sql`a."detectorId"`, "text"),
    anyOf(q.seriesId, Prisma.sql`a."seriesId"`, "text"),
    anyOf(q.sourceId, Prisma.sql`s."sourceId"`, "text"),
    anyOf(q.metric, Prisma.sql`s.metric`, "text"),
  ];
  for (const pair of q.seriesLabel) {
    const at = pair.indexOf("=");
    parts.push(Prisma.sql`AND s.labels @> ${JSON.stringify({ [pair.slice(0, at)]: pair.slice(at + 1) })}::jsonb`);
  }
  if (q.assignee.length) {
    const ids = q.assignee.filter((a) => a !== "none").map((a) => (a === "me" ? userId : a));
    if (!q.assignee.includes("none")) parts.push(anyOf(ids, Prisma.sql`a."assigneeId"`, "text"));
    else if (ids.length === 0) parts.push(Prisma.sql`AND a."assigneeId" IS NULL`);
    else parts.push(Prisma.sql`AND (a."assigneeId" IS NULL OR a."assigneeId" = ANY(${ids}::text[]))`);
  }
  if (q.label.length) {
    parts.push(Prisma.sql`AND COALESCE(${CURRENT_LABEL}, 'NONE') = ANY(${[...q.label]}::text[])`);
  }
  if (q.suppressed === "exclude") parts.push(Prisma.sql`AND a."suppressedById" IS NULL`);
  else if (q.suppressed === "only") parts.push(Prisma.sql`AND a."suppressedById" IS NOT NULL`);
  if (q.from) parts.push(Prisma.sql`AND a."endTs" >= ${new Date(q.from)}`);
  if (q.to) parts.push(Prisma.sql`AND a."startTs" <= ${new Date(q.to)}`);
  if (q.exclude) parts.push(Prisma.sql`AND a.id <> ${q.exclude}`);
  return Prisma.join(parts, " ");
}

/**
 * The keyset condition. Orders with a composite index ending in id compare rows; the time order,
 * whose index is on startTs alone, is written `x <= k AND (x < k OR id < i)` so that column still
 * bounds the index range.
 */
function afterCursor(c: AnomalyCursor | undefined): Prisma.Sql {
  if (!c) return Prisma.empty;
  switch (c.sort) {
    case "-startTs": {
      const t = new Date(c.key[0]);
      return Prisma.sql`AND a."startTs" <= ${t} AND (a."startTs" < ${t} OR a.id < ${c.id})`;
    }
    case "startTs": {
      const t = new Date(c.key[0]);
      return Prisma.sql`AND a."startTs" >= ${t} AND (a."startTs" > ${t} OR a.id > ${c.id})`;
    }
    case "-peakScore":
      return Prisma.sql`AND (a."peakScore", a.id) < (${c.key[0]}::float8, ${c.id})`;
    case "-severity": {
      const [rank, ms] = c.key;
      const severity = SEVERITIES[Math.min(SEVERITIES.length, Math.max(1, Math.round(rank))) - 1];
      return Prisma.sql`AND (a.severity, a."startTs", a.id) < (${severity}::"Severity", ${new Date(ms)}, ${c.id})`;
    }
  }
}

const ORDER: Record<AnomalySort, Prisma.Sql> = {
  "-startTs": Prisma.sql`a."startTs" DESC, a.id DESC`,
  startTs: Prisma.sql`a."startTs" ASC, a.id ASC`,
  "-peakScore": Prisma.sql`a."peakScore" DESC, a.id DESC`,
  // Enum order is declaration order: LOW < MEDIUM < HIGH < CRITICAL.
  "-severity": Prisma.sql`a.severity DESC, a."startTs" DESC, a.id DESC`,
};

function cursorOf(sort: AnomalySort, r: AnomalyDbRow): string {
  const key = sort === "-peakScore" ? [r.peakScore] : sort === "-severity" ? [r.sevRank, r.startTs.getTime()] : [r.startTs.getTime()];
  return encodeAnomalyCursor({ sort, key, id: r.id });
}

/** The SQL of one page, exposed so the benchmark can time exactly what the API runs. */
export function anomalyPageSql(q: TAnomalyListQuery, userId: string): Prisma.Sql {
  return Prisma.sql`${SELECT}
    WHERE true ${anomalyFilterSql(q, userId)} ${afterCursor(q.cursor)}
    ORDER BY ${ORDER[q.sort]}
    LIMIT ${q.limit + 1}`;
}

export async function listAnomalyPage(q: TAnomalyListQuery, userId: string): Promise<AnomalyPage> {
  const rows = await getPrisma().$queryRaw<AnomalyDbRow[]>(anomalyPageSql(q, userId));
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > q.limit && last ? cursorOf(q.sort, last) : null };
}

export async function getAnomalyItems(ids: string[]): Promise<AnomalyItem[]> {
  if (ids.length === 0) return [];
  const rows = await getPrisma().$queryRaw<AnomalyDbRow[]>`${SELECT} WHERE a.id = ANY(${ids}::text[]) ORDER BY a."startTs" DESC, a.id DESC`;
  return rows.map(toItem);
}

export async function getAnomalyDetail(id: string): Promise<AnomalyDetail> {
  const [item] = await getAnomalyItems([id]);
  if (!item) throw new AppError("not_found", `No anomaly ${id}`);
  const detector = await getPrisma().detector.findUniqueOrThrow({
    where: { id: item.detector.id },
    select: { id: true, name: true, algorithm: true, threshold: true, params: true },
  });
  return { ...item, detector, group: await getAnomalyGroup(id) };
}

/** The group of a grouped detector's incident, its members in vector order with the peak's attribution (null for a series' incident, or a group since removed). */
async function getAnomalyGroup(id: string): Promise<AnomalyDetail["group"]> {
  const a = await getPrisma().anomaly.findUniqueOrThrow({ where: { id }, select: { attribution: true, group: { select: { id: true, key: true } } } });
  if (!a.group) return null;
  const members = await listGroupMembers(a.group.id);
  const shares = new Map(((a.attribution ?? []) as unknown as MemberAttribution[]).map((x) => [x.seriesId, x]));
  return {
    ...a.group,
    members: members.map((m) => ({ seriesId: m.seriesId, metric: m.metric, labels: m.labels, share: shares.get(m.seriesId)?.share ?? null, direction: shares.get(m.seriesId)?.direction ?? null })),
  };
}
