/**
 * The pool's connections plan named statements for each call's values: a generic plan cached while
 * the tables were small must not outlive their growth (see getPgPool).
 */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPgPool } from "@/lib/server/pg-pool";

withTestDatabase();

describe("getPgPool", () => {
  it("plans every call of a named statement with its values (plan_cache_mode = force_custom_plan)", async () => {
    const pool = getPgPool();
    const clients = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const c of clients) {
        const { rows } = await c.query<{ plan_cache_mode: string }>({ name: "test.planMode", text: "SHOW plan_cache_mode" });
        expect(rows[0].plan_cache_mode).toBe("force_custom_plan");
      }
    } finally {
      for (const c of clients) c.release();
    }
  });
});
