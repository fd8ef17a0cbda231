/** The algorithm catalogue the API serves: each kind with a JSON schema of its params for the form. */
import { z } from "zod";
import { detectorDefinitions, getDefinition } from "@/lib/detection";
import type { AlgorithmInfo, JsonSchema } from "@/lib/detectors/schemas";

export function describeAlgorithm(kind: string): AlgorithmInfo {
  const d = getDefinition(kind);
  // io "input": fields with defaults are optional, as a user filling the form sees them.
  const schema = z.toJSONSchema(d.params, { io: "input", unrepresentable: "any" }) as JsonSchema;
  delete schema.$schema;
  return {
    kind: d.kind,
    label: d.label,
    description: d.description,
    input: d.input,
    needsTraining: d.needsTraining,
    defaultThreshold: d.defaultThreshold ?? 0.5,
    paramsSchema: schema,
  };
}

export function listAlgorithms(): AlgorithmInfo[] {
  return Object.keys(detectorDefinitions).map(describeAlgorithm);
}
