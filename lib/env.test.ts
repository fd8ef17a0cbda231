import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";

describe("env", () => {
  it("applies defaults when nothing is configured", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.VIGIL_EMBEDDED_PG_PORT).toBe(54329);
    expect(env.VIGIL_DATA_DIR).toBe(".data");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", REDIS_URL: " " }).DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable in one readable message", () => {
    expect(() => parseEnv({ DATABASE_URL: "mysql://x", REDIS_URL: "http://x", VIGIL_ADMIN_PASSWORD: "short" })).toThrow(
      /DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\/[\s\S]*REDIS_URL: must start with redis:\/\/[\s\S]*VIGIL_ADMIN_PASSWORD: must be at least 12 characters/,
    );
  });
});
