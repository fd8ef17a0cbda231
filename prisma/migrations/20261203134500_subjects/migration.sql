-- Subjects: detection state, snapshots, re-detection requests, models and incidents are keyed by
-- a subject, a series (univariate pairs) or a SeriesGroup (grouped detectors). Every existing row
-- keeps its key: the column is renamed in place and a series' subject id is the series id.

-- How a detector groups its series (null: each series is its own subject, as before).
ALTER TABLE "Detector" ADD COLUMN "grouping" JSONB;

-- Groups of series and their ordered members.
CREATE TABLE "SeriesGroup" (
    "id" TEXT NOT NULL,
    "detectorId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SeriesGroup_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "SeriesGroupMember" (
    "groupId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "detectorId" TEXT NOT NULL,
    "seriesId" TEXT NOT NULL,

    CONSTRAINT "SeriesGroupMember_pkey" PRIMARY KEY ("groupId","position")
);

CREATE UNIQUE INDEX "SeriesGroup_detectorId_key_key" ON "SeriesGroup"("detectorId", "key");
CREATE INDEX "SeriesGroupMember_seriesId_idx" ON "SeriesGroupMember"("seriesId");
CREATE UNIQUE INDEX "SeriesGroupMember_detectorId_seriesId_key" ON "SeriesGroupMember"("detectorId", "seriesId");
ALTER TABLE "SeriesGroup" ADD CONSTRAINT "SeriesGroup_detectorId_fkey" FOREIGN KEY ("detectorId") REFERENCES "Detector"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SeriesGroupMember" ADD CONSTRAINT "SeriesGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "SeriesGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SeriesGroupMember" ADD CONSTRAINT "SeriesGroupMember_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "Series"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- State tables: seriesId becomes subjectId (same values, same primary keys). A subject is a
-- series or a group, so the foreign key to Series goes; the triggers below keep its cascade.
ALTER TABLE "DetectorState" DROP CONSTRAINT "DetectorState_seriesId_fkey";
ALTER TABLE "DetectorSnapshot" DROP CONSTRAINT "DetectorSnapshot_seriesId_fkey";
ALTER TABLE "RedetectRequest" DROP CONSTRAINT "RedetectRequest_seriesId_fkey";
ALTER TABLE "DetectorState" RENAME COLUMN "seriesId" TO "subjectId";
ALTER TABLE "DetectorSnapshot" RENAME COLUMN "seriesId" TO "subjectId";
ALTER TABLE "RedetectRequest" RENAME COLUMN "seriesId" TO "subjectId";
ALTER INDEX "DetectorState_seriesId_idx" RENAME TO "DetectorState_subjectId_idx";

ALTER TABLE "ModelVersion" RENAME COLUMN "seriesId" TO "subjectId";
ALTER INDEX "ModelVersion_detectorId_seriesId_version_key" RENAME TO "ModelVersion_detectorId_subjectId_version_key";

-- Incidents: keyed by subject; `seriesId` stays the series they are shown and alerted under.
ALTER TABLE "Anomaly" ADD COLUMN "attribution" JSONB, ADD COLUMN "groupId" TEXT, ADD COLUMN "subjectId" TEXT;
UPDATE "Anomaly" SET "subjectId" = "seriesId";
ALTER TABLE "Anomaly" ALTER COLUMN "subjectId" SET NOT NULL, ALTER COLUMN "subjectId" SET DEFAULT '';
DROP INDEX "Anomaly_detectorId_seriesId_startTs_idx";
CREATE INDEX "Anomaly_detectorId_subjectId_startTs_idx" ON "Anomaly"("detectorId", "subjectId", "startTs");
CREATE INDEX "Anomaly_groupId_idx" ON "Anomaly"("groupId");
ALTER TABLE "Anomaly" ADD CONSTRAINT "Anomaly_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "SeriesGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- What the foreign keys to Series did: a deleted series (or group) takes its subject's detection
-- state with it. Statement-level, so deleting a source's 300k series is three set deletes.
CREATE FUNCTION vigil_drop_subject_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "DetectorState" s USING gone g WHERE s."subjectId" = g.id;
  DELETE FROM "DetectorSnapshot" s USING gone g WHERE s."subjectId" = g.id;
  DELETE FROM "RedetectRequest" s USING gone g WHERE s."subjectId" = g.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Series_drop_subject_state" AFTER DELETE ON "Series"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION vigil_drop_subject_state();
CREATE TRIGGER "SeriesGroup_drop_subject_state" AFTER DELETE ON "SeriesGroup"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION vigil_drop_subject_state();

-- An anomaly written without a subject (a univariate writer that predates subjects) is its series'.
CREATE FUNCTION vigil_anomaly_subject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."subjectId" = '' THEN NEW."subjectId" := NEW."seriesId"; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Anomaly_subject" BEFORE INSERT ON "Anomaly" FOR EACH ROW EXECUTE FUNCTION vigil_anomaly_subject();
