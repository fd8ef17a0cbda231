/**
 * For integration tests that prove documented answers: validates a route's real JSON answer with
 * ajv (JSON Schema 2020-12) against the response schema the served OpenAPI document gives for that
 * operation and status, and remembers which operations were proven so a file can check it covered
 * every operation of its area that declares a response.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import { expect } from "vitest";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";

type Json = Record<string, unknown>;
let doc: Json | undefined;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const proven = new Set<string>();

async function served(): Promise<Json> {
  doc ??= (await (await openapi()).json()) as Json;
  return doc;
}

/** The validator for `method path`'s answer with `status`, from the served document. */
export async function documentedSchema(method: string, path: string, status: number): Promise<ValidateFunction> {
  const op = ((await served()).paths as Json)[path] as Json | undefined;
  const operation = op?.[method.toLowerCase()] as Json | undefined;
  expect(operation, `${method} ${path} is documented`).toBeDefined();
  const response = (operation!.responses as Json)[String(status)] as Json | undefined;
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  const schema = ((response!.content as Json)["application/json"] as Json).schema as Json;
  expect(schema.description ?? "", `${method} ${path} has a real response schema`).not.toMatch(/no response schema/);
  return ajv.compile(schema);
}

/** Asserts the status, validates the body against the documented schema, and returns the body. */
export async function expectDocumented(method: string, path: string, res: Response, status = 200) {
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(status);
  const body = JSON.parse(text);
  const validate = await documentedSchema(method, path, status);
  expect(validate(body) ? [] : validate.errors, `${method} ${path}`).toEqual([]);
  proven.add(`${method} ${path}`);
  return body;
}

/** `METHOD path` of the operations this file has validated so far. */
export const provenOperations = () => new Set(proven);

/** The detector operations responses-feedback.int.test.ts proves (responses-detectors.int.test.ts proves the other detector ones). */
export const FEEDBACK_PATHS = /^\/api\/v1\/detectors\/\{id\}\/(evaluation|what-if|threshold|models|suppression-rules)(\/|$)/;
