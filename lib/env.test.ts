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

  it("reads the metrics port, token and shutdown timeout, naming a bad one", () => {
    const env = parseEnv({});
    expect(env.VIGIL_WORKER_METRICS_PORT).toBeUndefined();
    expect(env.VIGIL_METRICS_TOKEN).toBeUndefined();
    expect(env.VIGIL_SHUTDOWN_TIMEOUT_MS).toBe(25_000);
    expect(parseEnv({ VIGIL_WORKER_METRICS_PORT: "9464" }).VIGIL_WORKER_METRICS_PORT).toBe(9464);
    expect(parseEnv({ VIGIL_WORKER_METRICS_PORT: "", VIGIL_METRICS_TOKEN: "" })).toMatchObject({ VIGIL_WORKER_METRICS_PORT: undefined, VIGIL_METRICS_TOKEN: undefined });
    expect(() => parseEnv({ VIGIL_WORKER_METRICS_PORT: "70000" })).toThrow(/VIGIL_WORKER_METRICS_PORT/);
    expect(() => parseEnv({ VIGIL_METRICS_TOKEN: "short" })).toThrow(/VIGIL_METRICS_TOKEN: must be at least 16 characters/);
  });

  it("listens on loopback unless VIGIL_HOST says otherwise", () => {
    expect(parseEnv({}).VIGIL_HOST).toBe("127.0.0.1");
    expect(parseEnv({ VIGIL_HOST: "0.0.0.0" }).VIGIL_HOST).toBe("0.0.0.0");
  });

  it("reads VIGIL_TRUSTED_PROXIES as addresses and CIDR ranges, refusing anything else", () => {
    expect(parseEnv({}).VIGIL_TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ VIGIL_TRUSTED_PROXIES: " 10.0.0.0/8, ::1 ,fd00::/8" }).VIGIL_TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "::1", "fd00::/8"]);
    expect(() => parseEnv({ VIGIL_TRUSTED_PROXIES: "proxy.local, 10.0.0.0/33" })).toThrow(/"proxy.local" is not an IP address[\s\S]*"10.0.0.0\/33"/);
  });
});
