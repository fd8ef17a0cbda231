/**
 * Makes every re-check after a write's commit fail in PostgreSQL (a trigger refusing the delete of
 * its `IngestCheck` row), until `restore`: the write commits and answers, its check stays for the
 * reconciler. Lets a test put detection between a write's commit and its re-check.
 */
import { getPrisma } from "@/lib/server/db";

export async function refuseRechecks() {
  const prisma = getPrisma();
  await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_recheck() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'recheck refused'; END $$`);
  await prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_recheck BEFORE DELETE ON "IngestCheck" FOR EACH ROW EXECUTE FUNCTION refuse_recheck()`);
  return { restore: () => prisma.$executeRawUnsafe(`DROP TRIGGER refuse_recheck ON "IngestCheck"`) };
}
