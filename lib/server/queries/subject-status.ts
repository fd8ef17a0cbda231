/**
 * How far detection has got, per subject of a detector (lib/server/queries/subjects.ts): a series,
 * or for a grouped detector each group. State, watermark and model are keyed by the subject, so a
 * group's members are listed under their group, never as subjects of their own. For the detector
 * page and GET /api/v1/detectors/{id}/subjects.
 */
import { readGrouping } from "@/lib/detectors/grouping";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

export interface SubjectMember {
  seriesId: string;
  metric: string;
  labels: Record<string, string>;
  latest: Date | null;
}

export interface SubjectStatus {
  /** The series id, or the SeriesGroup id of a group. */
  subjectId: string;
  /** A group's key (`{"host":"a"}`, or `list`); null for a series. */
  group: string | null;
  /** The series of the subject (one for a series), in vector order. */
  members: SubjectMember[];
  /** The last instant scored (a group: the end of its last scored step); null: never scored. */
  watermark: Date | null;
  /** The newest stored point of any member. */
  latest: Date | null;
  /** Stored points of the members after the watermark, not scored yet. */
  pending: number;
  /** The active model version's number (null: none installed). */
  modelVersion: number | null;
  /** Newest point minus watermark, in seconds (null: never scored). */
  lagSeconds: number | null;
}

export interface DetectorSubjects {
  subjects: SubjectStatus[];
  /** Subjects in all (the list stops at `limit`). */
  total: number;
  /** A grouped detector's attached series in no group yet (their group lacks a metric): nothing scores them. */
  ungrouped: SubjectMember[];
}

type Row = { subjectId: string; group: string | null; members: (Omit<SubjectMember, "latest"> & { latest: string | null; pending: number })[]; watermark: Date | null; modelVersion: number | null };

/** The member's newest point and its points after the subject's watermark (primary-key reads). */
const MEMBER = `json_build_object('seriesId', s.id, 'metric', s.metric, 'labels', s.labels,
  'latest', (SELECT max(p.ts) FROM "DataPoint" p WHERE p."seriesKey" = s.key),
  'pending', (SELECT count(*) FROM "DataPoint" p WHERE p."seriesKey" = s.key AND p.ts > coalesce(st.watermark, '-infinity'::timestamptz)))`;

/** The first `limit` subjects (groups by key, series by metric and labels) with their state; and who is in none. */
export async function listDetectorSubjects(detectorId: string, limit = 200): Promise<DetectorSubjects> {
  const prisma = getPrisma();
  const d = await prisma.detector.findUnique({ where: { id: detectorId }, select: { grouping: true } });
  if (!d) throw new AppError("not_found", `No detector ${detectorId}`);
  const grouped = readGrouping(d.grouping) !== null;
  const groups = grouped ? await prisma.seriesGroup.count({ where: { detectorId } }) : 0;
  const rows = grouped
    ? await prisma.$queryRawUnsafe<Row[]>(
        `SELECT g.id AS "subjectId", g.key AS "group", st.watermark, mv.version AS "modelVersion",
                json_agg(${MEMBER} ORDER BY m.position) AS members
         FROM "SeriesGroup" g
         JOIN "SeriesGroupMember" m ON m."groupId" = g.id
         JOIN "Series" s ON s.id = m."seriesId"
         LEFT JOIN "DetectorState" st ON st."detectorId" = g."detectorId" AND st."subjectId" = g.id
         LEFT JOIN "ModelVersion" mv ON mv.id = st."modelId"
         WHERE g."detectorId" = $1
         GROUP BY g.id, g.key, st.watermark, mv.version
         ORDER BY g.key LIMIT $2`,
        detectorId,
        limit,
      )
    : await prisma.$queryRawUnsafe<Row[]>(
        `SELECT s.id AS "subjectId", NULL AS "group", st.watermark, mv.version AS "modelVersion", json_build_array(${MEMBER}) AS members
         FROM "DetectorSeries" ds
         JOIN "Series" s ON s.id = ds."seriesId"
         LEFT JOIN "DetectorState" st ON st."detectorId" = ds."detectorId" AND st."subjectId" = ds."seriesId"
         LEFT JOIN "ModelVersion" mv ON mv.id = st."modelId"
         WHERE ds."detectorId" = $1
         ORDER BY s.metric, s."labelsKey" LIMIT $2`,
        detectorId,
        limit,
      );
  const total = grouped ? groups : await prisma.detectorSeries.count({ where: { detectorId } });
  const ungrouped = grouped
    ? await prisma.$queryRawUnsafe<(Omit<SubjectMember, "latest"> & { latest: Date | null })[]>(
        `SELECT s.id AS "seriesId", s.metric, s.labels, (SELECT max(p.ts) FROM "DataPoint" p WHERE p."seriesKey" = s.key) AS latest
         FROM "DetectorSeries" ds JOIN "Series" s ON s.id = ds."seriesId"
         WHERE ds."detectorId" = $1 AND NOT EXISTS (SELECT 1 FROM "SeriesGroupMember" m WHERE m."detectorId" = $1 AND m."seriesId" = s.id)
         ORDER BY s.metric, s."labelsKey" LIMIT $2`,
        detectorId,
        limit,
      )
    : [];
  const subjects = rows.map((r): SubjectStatus => {
    const members = r.members.map((m) => ({ seriesId: m.seriesId, metric: m.metric, labels: m.labels ?? {}, latest: m.latest ? new Date(m.latest) : null }));
    const latest = members.reduce<Date | null>((x, m) => (m.latest && (!x || m.latest > x) ? m.latest : x), null);
    return {
      subjectId: r.subjectId,
      group: r.group,
      members,
      watermark: r.watermark,
      latest,
      pending: r.members.reduce((n, m) => n + Number(m.pending), 0),
      modelVersion: r.modelVersion,
      lagSeconds: r.watermark && latest ? Math.max(0, (latest.getTime() - r.watermark.getTime()) / 1000) : null,
    };
  });
  return { subjects, total, ungrouped: ungrouped.map((u) => ({ ...u, labels: u.labels ?? {} })) };
}
