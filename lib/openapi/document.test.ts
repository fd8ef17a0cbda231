/**
 * The generated document is structurally valid OpenAPI 3.1: operations with responses (a schema
 * for every JSON answer), unique operation ids, every $ref resolves, every `{param}` in a path is
 * declared (and only those), and every embedded schema compiles as JSON Schema 2020-12.
 */
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument, pathParameterNames, queryParameters } from "@/lib/openapi/document";
import { HTTP_METHODS } from "@/lib/openapi/registry";
import { OPERATIONS } from "@/lib/openapi/operations";

const doc = buildOpenApiDocument();
type Json = Record<string, unknown>;
const METHODS = HTTP_METHODS.map((m) => m.toLowerCase());
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op: op as Json })));

function walk(node: unknown, visit: (n: Json, at: string) => void, at = "#"): void {
  if (Array.isArray(node)) node.forEach((v, i) => walk(v, visit, `${at}/${i}`));
  else if (node && typeof node === "object") {
    visit(node as Json, at);
    for (const [k, v] of Object.entries(node)) walk(v, visit, `${at}/${k}`);
  }
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((n, key) => (n && typeof n === "object" ? (n as Json)[key] : undefined), root);
}

describe("the OpenAPI document", () => {
  it("declares a response schema for every operation that answers JSON (responses-*.int.test.ts prove each)", () => {
    const without = OPERATIONS.filter((o) => !o.response && o.status !== 204 && !o.responseContentType).map((o) => `${o.method} ${o.path}`);
    expect(without).toEqual([]);
  });

  it("is OpenAPI 3.1 with info and paths", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(Object.keys(doc.paths).length).toBeGreaterThan(40);
  });

  it("has only operations under each path, each with a summary and responses", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path, path).toMatch(/^\//);
      expect(Object.keys(item).length, path).toBeGreaterThan(0);
      for (const key of Object.keys(item)) expect(METHODS, `${path} ${key}`).toContain(key);
    }
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      const responses = Object.entries(op.responses as Json);
      expect(responses.length, where).toBeGreaterThan(0);
      expect(responses.some(([code]) => /^2\d\d$/.test(code)), where).toBe(true);
      for (const [code, r] of responses) {
        expect(code, where).toMatch(/^([1-5]\d\d|default)$/);
        expect((r as Json).description, `${where} ${code}`).toBeTruthy();
      }
    }
  });

  it("gives each operation a unique operationId", () => {
    const ids = operations.map(({ op }) => op.operationId as string);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("declares every parameter named in a path, and no other path parameter", () => {
    for (const { path, method, op } of operations) {
      const params = ((op.parameters ?? []) as Json[]).filter((p) => p.in === "path");
      expect(params.map((p) => p.name).sort(), `${method} ${path}`).toEqual(pathParameterNames(path).sort());
      for (const p of params) expect(p.required, `${method} ${path} ${String(p.name)}`).toBe(true);
    }
  });

  it("declares each parameter once, with a schema", () => {
    for (const { path, method, op } of operations) {
      const params = (op.parameters ?? []) as Json[];
      const keys = params.map((p) => `${String(p.in)}:${String(p.name)}`);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i), `${method} ${path}`).toEqual([]);
      for (const p of params) expect(p.schema, `${method} ${path} ${String(p.name)}`).toBeTypeOf("object");
    }
  });

  it("resolves every $ref", () => {
    const refs: string[] = [];
    walk(doc, (n, at) => {
      if (typeof n.$ref === "string") refs.push(`${at} -> ${n.$ref}`);
    });
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => resolvePointer(doc, r.split(" -> ")[1]) === undefined)).toEqual([]);
  });

  it("embeds schemas that compile as JSON Schema 2020-12", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
    const schemas: { at: string; schema: Json }[] = [];
    walk(doc, (n, at) => {
      if (n.schema && typeof n.schema === "object") schemas.push({ at, schema: n.schema as Json });
    });
    expect(schemas.length).toBeGreaterThan(100);
    for (const { at, schema } of schemas) {
      const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"doc#/components/'));
      expect(() => ajv.compile(rebased), at).not.toThrow();
    }
  });
});

describe("queryParameters", () => {
  it("makes each field of a query schema a parameter, required unless optional or defaulted", () => {
    const q = z.object({ limit: z.coerce.number().int().min(1).default(50), q: z.string(), tag: z.array(z.string()).optional() });
    expect(queryParameters(q)).toEqual([
      { name: "limit", in: "query", required: false, schema: expect.objectContaining({ type: "integer", default: 50, minimum: 1 }) },
      { name: "q", in: "query", required: true, schema: { type: "string" } },
      expect.objectContaining({ name: "tag", in: "query", required: false, schema: { type: "array", items: { type: "string" } }, explode: true }),
    ]);
  });

  it("merges the two sides of an intersection", () => {
    const q = z.object({ from: z.string().optional() }).and(z.object({ to: z.string() }));
    expect(queryParameters(q).map((p) => [p.name, p.required])).toEqual([
      ["from", false],
      ["to", true],
    ]);
  });
});
