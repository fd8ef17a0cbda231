import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLE_PERMISSIONS, tokenCan, tokenPermissions } from "@/lib/auth/permissions";

describe("permission table", () => {
  it("gives admins everything", () => {
    for (const p of PERMISSIONS) expect(can("ADMIN", p)).toBe(true);
  });

  it("keeps configuration and user management with admins", () => {
    for (const role of ["ANALYST", "OPERATOR"] as const) {
      for (const p of ["sources:write", "detectors:write", "alerts:write", "users:manage", "audit:read", "system:ping"] as const) {
        expect(can(role, p), `${role} ${p}`).toBe(false);
      }
    }
  });

  it("lets analysts label and operators silence, not the other way round", () => {
    expect(can("ANALYST", "anomalies:label")).toBe(true);
    expect(can("OPERATOR", "anomalies:label")).toBe(false);
    expect(can("OPERATOR", "silences:write")).toBe(true);
    expect(can("ANALYST", "silences:write")).toBe(false);
    expect(can("OPERATOR", "anomalies:triage")).toBe(true);
  });

  it("lets operators and analysts triage and comment, and leaves assignment to operators", () => {
    for (const role of ["ANALYST", "OPERATOR"] as const) {
      expect(can(role, "anomalies:triage"), role).toBe(true);
      expect(can(role, "anomalies:comment"), role).toBe(true);
    }
    expect(can("OPERATOR", "anomalies:assign")).toBe(true);
    expect(can("ANALYST", "anomalies:assign")).toBe(false);
  });

  it("denies a missing role", () => {
    expect(can(undefined, "overview:read")).toBe(false);
    expect(can(null, "overview:read")).toBe(false);
  });

  it("only names known permissions", () => {
    for (const perms of Object.values(ROLE_PERMISSIONS)) for (const p of perms) expect(PERMISSIONS).toContain(p);
  });
});

describe("token scopes", () => {
  it("are intersected with the owner's current role", () => {
    expect(tokenPermissions("ADMIN", ["sources:read", "sources:write"])).toEqual(["sources:read", "sources:write"]);
    expect(tokenPermissions("ANALYST", ["sources:read", "sources:write"])).toEqual(["sources:read"]);
    expect(tokenCan("ADMIN", ["sources:read"], "sources:write")).toBe(false);
    expect(tokenCan("OPERATOR", ["silences:write", "anomalies:label"], "anomalies:label")).toBe(false);
    expect(tokenCan("OPERATOR", ["silences:write"], "silences:write")).toBe(true);
  });

  it("grant nothing when empty, unknown or without a role", () => {
    expect(tokenPermissions("ADMIN", [])).toEqual([]);
    expect(tokenPermissions("ADMIN", ["sources:nuke"])).toEqual([]);
    expect(tokenCan(null, [...PERMISSIONS], "overview:read")).toBe(false);
  });
});
