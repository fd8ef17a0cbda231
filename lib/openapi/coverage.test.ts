/**
 * The document and app/api agree: every exported handler (GET/POST/PUT/PATCH/DELETE) of every
 * route.ts is described, and nothing is described that has no handler. Read from disk, so a new
 * route fails here until it has its one entry in lib/openapi/operations.ts.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HTTP_METHODS } from "@/lib/openapi/registry";
import { OPERATIONS, UNDOCUMENTED_ROUTES } from "@/lib/openapi/operations";

const API_DIR = path.join(process.cwd(), "app", "api");

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

/** `app/api/v1/anomalies/[id]/route.ts` -> `/api/v1/anomalies/{id}`; a route group `(x)` adds no segment. */
function urlPathOf(file: string): string {
  const segments = path.relative(path.join(process.cwd(), "app"), path.dirname(file)).split(path.sep);
  return `/${segments.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(.+)\]$/, "{$1}")).join("/")}`;
}

/** The HTTP methods a route module exports: `export const GET =`, `export async function POST(`, `export { handler as GET }`. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of HTTP_METHODS) {
    const direct = new RegExp(`export\\s+(const|let|async\\s+function|function)\\s+${m}\\b`);
    const renamed = new RegExp(`export\\s*\\{[^}]*\\bas\\s+${m}\\b[^}]*\\}`);
    const plain = new RegExp(`export\\s*\\{[^}]*(^|[\\s,{])${m}\\s*[,}]`);
    if (direct.test(source) || renamed.test(source) || plain.test(source)) found.add(m);
  }
  return [...found];
}

describe("exportedMethods", () => {
  it("reads every way a route module exports a handler", () => {
    expect(exportedMethods("export const GET = withAuth(...);\nexport async function DELETE(req) {}")).toEqual(["GET", "DELETE"]);
    expect(exportedMethods("export { handler as GET, handler as POST };")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export { PATCH };\nexport const dynamic = 'force-dynamic';\nconst GETTER = 1;")).toEqual(["PATCH"]);
  });

  it("maps Next's folders to OpenAPI paths", () => {
    expect(urlPathOf(path.join(API_DIR, "v1", "sources", "[id]", "keys", "[keyId]", "route.ts"))).toBe("/api/v1/sources/{id}/keys/{keyId}");
  });
});

describe("the OpenAPI document covers app/api", () => {
  const onDisk = routeFiles(API_DIR)
    .filter((f) => !(urlPathOf(f) in UNDOCUMENTED_ROUTES))
    .flatMap((f) => exportedMethods(readFileSync(f, "utf8")).map((m) => `${m} ${urlPathOf(f)}`))
    .sort();
  const documented = OPERATIONS.map((o) => `${o.method} ${o.path}`).sort();

  it("finds the routes (the walk itself works)", () => {
    expect(onDisk.length).toBeGreaterThan(50);
    expect(onDisk).toContain("GET /api/v1/anomalies/{id}");
  });

  it("describes every route handler that exists", () => {
    expect(onDisk.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it("describes nothing that has no route handler", () => {
    expect(documented.filter((r) => !onDisk.includes(r))).toEqual([]);
  });

  it("describes each operation once", () => {
    expect(documented.filter((r, i) => documented.indexOf(r) !== i)).toEqual([]);
  });

  it("excludes only routes that exist, each with a reason", () => {
    const all = routeFiles(API_DIR).map(urlPathOf);
    for (const [route, reason] of Object.entries(UNDOCUMENTED_ROUTES)) {
      expect(all).toContain(route);
      expect(reason.length).toBeGreaterThan(10);
    }
  });
});
