/** Per-algorithm parameter validation, reported with `params.<field>` paths for the form. */
import { ZodError } from "zod";
import { detectorDefinitions } from "@/lib/detection";

/** Parses `params` with the algorithm's schema (defaults filled in); throws a ZodError naming the field. */
export function parseDetectorParams(algorithm: string, params: unknown): Record<string, unknown> {
  const def = Object.hasOwn(detectorDefinitions, algorithm) ? detectorDefinitions[algorithm] : undefined;
  if (!def) {
    throw new ZodError([
      { code: "custom", path: ["algorithm"], message: `Unknown algorithm. Known: ${Object.keys(detectorDefinitions).join(", ")}`, input: algorithm },
    ]);
  }
  const r = def.params.safeParse(params ?? {});
  if (!r.success) throw new ZodError(r.error.issues.map((i) => ({ ...i, path: ["params", ...i.path] })));
  return r.data as Record<string, unknown>;
}
