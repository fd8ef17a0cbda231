/**
 * Builds the OpenAPI 3.1 document from OPERATIONS with zod 4's own JSON Schema output
 * (`z.toJSONSchema`, draft 2020-12, which OpenAPI 3.1 uses): queries and bodies as the client
 * sends them (`io: "input"`: before coercion and defaults), answers as the server sends them.
 */
import { z } from "zod";
import { ZApiErrorBody, OPERATIONS } from "@/lib/openapi/operations";
import type { Access, Operation } from "@/lib/openapi/registry";

export type JsonSchema = Record<string, unknown>;

export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** Each top-level field of a query schema as one query parameter (intersections merged). */
export function queryParameters(schema: z.ZodType): { name: string; in: "query"; required: boolean; schema: JsonSchema; description?: string }[] {
  const fields = (json: JsonSchema) =>
    ((json.allOf as JsonSchema[] | undefined) ?? [json]).map((part) => ({
      props: (part.properties ?? {}) as Record<string, JsonSchema>,
      required: (part.required as string[] | undefined) ?? [],
    }));
  const input = fields(jsonSchemaOf(schema, "input"));
  // Types read best after parsing (enums survive the `many()` preprocessing); whether a key is
  // required comes from the input side, where a default makes it optional.
  const output = Object.assign({}, ...fields(jsonSchemaOf(schema, "output")).map((f) => f.props), ...shapeOutputs(schema)) as Record<string, JsonSchema>;
  return input.flatMap((part) => {
    const required = new Set(part.required);
    return Object.entries(part.props).map(([name, inSchema]) => [name, Object.keys(output[name] ?? {}).length ? output[name] : inSchema] as const).map(([name, s]) => ({
      name,
      in: "query" as const,
      required: required.has(name),
      schema: s,
      ...(s.type === "array" ? { description: "Repeat the key for several values", style: "form", explode: true } : {}),
    }));
  });
}

/**
 * Field by field, for a query object wrapped in a whole-object transform (whose output zod cannot
 * describe): the output schema of each field of the object inside.
 */
function shapeOutputs(schema: z.ZodType): Record<string, JsonSchema>[] {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodType>)
    .map(([name, field]) => ({ [name]: jsonSchemaOf(field, "output") }))
    .filter((o) => Object.keys(Object.values(o)[0]).length > 0);
}

export const pathParameterNames = (path: string) => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);

export function accessText(access: Access): string {
  if (access === "public") return "Public: no credentials.";
  if (access === "source-key") return "A source API key: `Authorization: Bearer <key>`.";
  return `Signed-in session whose role has \`${access}\` (lib/auth/permissions.ts).`;
}

const GENERIC_ANSWER: JsonSchema = { type: "object", description: "A JSON object; no response schema is declared for this route yet." };
const errorRef = { $ref: "#/components/schemas/Error" };

function responsesOf(o: Operation) {
  const status = o.status ?? 200;
  const success =
    status === 204
      ? { description: "No content" }
      : {
          description: o.response ? "Success" : "Success (no response schema yet)",
          content: o.responseContentType
            ? { [o.responseContentType]: { schema: { type: "string" } } }
            : { "application/json": { schema: o.response ? jsonSchemaOf(o.response, "output") : GENERIC_ANSWER } },
        };
  const errors: Record<string, { description: string; content: { "application/json": { schema: typeof errorRef } } }> = {};
  const err = (code: number, description: string) => (errors[code] = { description, content: { "application/json": { schema: errorRef } } });
  if (o.query || o.body || o.rawBody) err(400, "Malformed request");
  if (o.access !== "public") err(401, "Not signed in, or no valid key");
  if (o.access !== "public" && o.access !== "source-key") err(403, "The role lacks the permission, or a cross-origin write");
  if (pathParameterNames(o.path).length) err(404, "Not found");
  if (o.query || o.body || o.rawBody) err(422, "Invalid input; `issues` names each field");
  return { [String(status)]: success, ...errors };
}

function operationObject(o: Operation) {
  const parameters = [
    ...pathParameterNames(o.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...(o.query ? queryParameters(o.query) : []),
  ];
  const requestBody = o.body
    ? { required: true, content: { "application/json": { schema: jsonSchemaOf(o.body, "input") } } }
    : o.rawBody
      ? { required: true, description: o.rawBody.description, content: Object.fromEntries(o.rawBody.contentTypes.map((t) => [t, { schema: { type: "string" } }])) }
      : undefined;
  const security = o.access === "public" ? [] : o.access === "source-key" ? [{ sourceKey: [] }] : [{ session: [] }];
  return {
    operationId: `${o.method.toLowerCase()}${o.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    summary: o.summary,
    description: accessText(o.access),
    tags: [tagOf(o.path)],
    "x-permission": o.access,
    security,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: responsesOf(o),
  };
}

/** The first path segment after /api/v1 (or /api): the area the operation belongs to. */
export const tagOf = (path: string) => path.replace(/^\/api(\/v1)?\//, "").split("/")[0];

export function buildOpenApiDocument(operations: Operation[] = OPERATIONS) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of operations) {
    const item = (paths[o.path] ??= {});
    const key = o.method.toLowerCase();
    if (item[key]) throw new Error(`${o.method} ${o.path} is declared twice`);
    item[key] = operationObject(o);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil API",
      version: "1",
      description: "Anomaly-detection monitoring. Generated from the zod schemas the route handlers use (lib/openapi). Human-readable: /api-docs.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: { Error: jsonSchemaOf(ZApiErrorBody, "output") },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token", description: "A browser session (sign in at /signin)" },
        sourceKey: { type: "http", scheme: "bearer", description: "A source's API key, for ingest" },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

let cached: OpenApiDocument | undefined;
/** The document for the running app, built once per process. */
export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument());
}
