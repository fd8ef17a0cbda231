import { describe, expect, it } from "vitest";
import { describeAlgorithm, listAlgorithms } from "@/lib/detectors/algorithms";
import { parseDetectorParams } from "@/lib/detectors/params";
import { calibratedWindow, issuesByField, labelFor, toFormFields, toFormValues, toParams } from "@/lib/detectors/form-fields";

const fieldsOf = (kind: string) => toFormFields(describeAlgorithm(kind).paramsSchema);

describe("params JSON schema -> form fields", () => {
  it("maps integers, numbers, enums and booleans with limits, defaults and descriptions", () => {
    const z = fieldsOf("zscore");
    expect(z.map((f) => [f.name, f.kind])).toEqual([["window", "integer"], ["minPoints", "integer"], ["bandSigmas", "number"], ["calibration", "json"], ["gate", "json"]]);
    expect(z[0]).toMatchObject({ label: "Window", defaultValue: 100, min: 2, max: 100_000, description: "Points in the rolling reference window" });
    // Unbounded above: no max attribute rather than MAX_SAFE_INTEGER.
    expect(z[1].max).toBeUndefined();
    expect(fieldsOf("seasonal").find((f) => f.name === "period")).toMatchObject({ kind: "enum", options: ["auto", "none", "hour", "day", "week"], defaultValue: "auto" });
    expect(fieldsOf("change-point").find((f) => f.name === "method")).toMatchObject({ kind: "enum" });
  });

  it("marks nullable numbers and edits nested members as JSON", () => {
    expect(fieldsOf("threshold").find((f) => f.name === "min")).toMatchObject({ kind: "number", nullable: true, defaultValue: null });
    const e = fieldsOf("ensemble");
    expect(e.find((f) => f.name === "members")?.kind).toBe("json");
    expect(e.find((f) => f.name === "combine")?.kind).toBe("enum");
  });

  it("labels camelCase names readably", () => {
    expect(labelFor("minPoints")).toBe("Min points");
    expect(labelFor("L")).toBe("L");
    expect(labelFor("weeklyRecheckPoints")).toBe("Weekly recheck points");
  });

  it("covers every algorithm, each with a default threshold", () => {
    for (const a of listAlgorithms()) {
      expect(a.defaultThreshold).toBeGreaterThan(0);
      expect(toFormFields(a.paramsSchema).length).toBeGreaterThan(0);
    }
  });
});

describe("form values <-> params", () => {
  it("round-trips defaults into params the algorithm accepts unchanged", () => {
    for (const a of listAlgorithms()) {
      const fields = toFormFields(a.paramsSchema);
      const { params, errors } = toParams(fields, toFormValues(fields));
      expect(errors).toEqual({});
      expect(parseDetectorParams(a.kind, params)).toEqual(parseDetectorParams(a.kind, {}));
    }
  });

  it("reads numbers, leaves blanks to the server default, sends null for cleared nullable fields", () => {
    const fields = fieldsOf("threshold");
    const values = toFormValues(fields, { max: 90 });
    expect(values).toEqual({ min: "", max: "90", margin: "0" });
    expect(toParams(fields, { ...values, margin: "" }).params).toEqual({ min: null, max: 90 });
    expect(toParams(fields, { ...values, margin: "abc" }).errors).toEqual({ margin: "Enter a number" });
    expect(toParams(fieldsOf("ensemble"), { members: "[" }).errors).toMatchObject({ members: "Enter valid JSON" });
  });

  it("maps API issues to form fields", () => {
    expect(issuesByField([{ path: "params.window", message: "too small" }, { path: "params.members.0.kind", message: "bad" }, { path: "name", message: "taken" }])).toEqual({
      "params.window": "too small",
      "params.members": "bad",
      name: "taken",
    });
  });
});

describe("calibratedWindow (the form's note on frequent events)", () => {
  it("is the calibration window for calibrated kinds, null when calibration is off or the kind has none", () => {
    const z = fieldsOf("zscore");
    expect(calibratedWindow(z, toFormValues(z))).toBe(1000);
    expect(calibratedWindow(z, toFormValues(z, { calibration: { enabled: true, window: 5000 } }))).toBe(5000);
    expect(calibratedWindow(z, toFormValues(z, { calibration: { enabled: false } }))).toBeNull();
    expect(calibratedWindow(z, { ...toFormValues(z), calibration: "{ not json" })).toBe(1000);
    const t = fieldsOf("threshold");
    expect(calibratedWindow(t, toFormValues(t))).toBeNull();
    const e = fieldsOf("ensemble");
    expect(calibratedWindow(e, toFormValues(e))).toBeNull();
  });
});

describe("incident gate field", () => {
  it("shows the gate's whole default, on for the kinds it is on for", () => {
    const gate = (kind: string) => fieldsOf(kind).find((f) => f.name === "gate")!;
    expect(gate("zscore").kind).toBe("json");
    expect(gate("zscore").defaultValue).toEqual({ enabled: true, openAbove: 0.5, closeAfter: 30, escalate: 2, keep: "run" });
    expect((gate("change-point").defaultValue as { enabled: boolean }).enabled).toBe(false);
    expect(toFormValues([gate("seasonal")]).gate).toContain('"enabled": true');
  });
});
