import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/lib/env";
import { assertMediaType, assertSameOrigin, parseMediaType } from "@/lib/server/api/request-checks";

const req = (method: string, headers: Record<string, string>, url = "http://vigil.test:3000/api/v1/users") => new Request(url, { method, headers: { host: "vigil.test:3000", ...headers } });
const refused = (r: Request) => {
  try {
    assertSameOrigin(r);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === "forbidden";
  }
};

afterEach(() => {
  delete process.env.NEXTAUTH_URL;
  resetEnvForTests();
});

describe("assertSameOrigin", () => {
  it("refuses writes from another port, subdomain or scheme, and Origin: null", () => {
    for (const origin of ["http://vigil.test:3001", "http://evil.vigil.test:3000", "https://vigil.test:3000", "null"]) expect(refused(req("POST", { origin }))).toBe(true);
    expect(refused(req("DELETE", { "sec-fetch-site": "same-site" }))).toBe(true);
    expect(refused(req("PATCH", { "sec-fetch-site": "cross-site", origin: "http://vigil.test:3000" }))).toBe(true);
  });
  it("accepts same-origin writes, reads from anywhere, and clients that are not browsers", () => {
    expect(refused(req("POST", { origin: "http://vigil.test:3000" }))).toBe(false);
    expect(refused(req("POST", { "sec-fetch-site": "same-origin" }))).toBe(false);
    expect(refused(req("GET", { origin: "http://elsewhere.example", "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(refused(req("POST", {}))).toBe(false);
  });
  it("accepts the configured public origin (behind a proxy that rewrites Host)", () => {
    process.env.NEXTAUTH_URL = "https://vigil.example.com";
    resetEnvForTests();
    expect(refused(req("POST", { origin: "https://vigil.example.com" }))).toBe(false);
    expect(refused(req("POST", { origin: "https://other.example.com" }))).toBe(true);
  });
});

describe("media types", () => {
  it("parses the essence exactly, not by substring", () => {
    expect(parseMediaType("text/plain; x=application/json")).toEqual({ type: "text/plain", params: { x: "application/json" } });
    expect(parseMediaType('Application/JSON; Charset="UTF-8"')).toEqual({ type: "application/json", params: { charset: "UTF-8" } });
    expect(parseMediaType("application/json, text/plain")).toBeNull();
    expect(parseMediaType("")).toBeNull();
  });
  it("assertMediaType takes JSON (UTF-8 only) and refuses look-alikes with 415", () => {
    expect(() => assertMediaType("application/json", "application/json")).not.toThrow();
    expect(() => assertMediaType("application/json; charset=utf-8", "application/json")).not.toThrow();
    for (const t of ["text/plain; x=application/json", "application/json-seq", "application/jsonx", "application/json; charset=latin1", "multipart/form-data; boundary=application/json", null]) {
      expect(() => assertMediaType(t, "application/json"), String(t)).toThrow(/Content-Type must be application\/json/);
    }
  });
});
