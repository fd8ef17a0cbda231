/**
 * A digest of every application table's rows, to assert that a refused request wrote nothing:
 * one query, so it can run around each request of a fuzz loop.
 */
import { getPrisma } from "@/lib/server/db";

let query: string | undefined;

export async function databaseFingerprint(): Promise<Record<string, string>> {
  const prisma = getPrisma();
  if (!query) {
    const tables = await prisma.$queryRaw<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`;
    query = tables
      .map(({ name }) => `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`)
      .join(" UNION ALL ");
  }
  const rows = await prisma.$queryRawUnsafe<{ name: string; digest: string }[]>(query);
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}
