import { describe, expect, it } from "vitest";
import { describeActivity, whoDid } from "@/lib/anomalies/activity";

describe("describeActivity", () => {
  it("puts people's triage changes in words", () => {
    expect(describeActivity({ kind: "status", details: { from: "OPEN", to: "ACKNOWLEDGED" } })).toBe("changed the status from open to acknowledged");
    expect(describeActivity({ kind: "assign", details: { from: null, to: { id: "u", email: "op@x" } } })).toBe("assigned it to op@x");
    expect(describeActivity({ kind: "assign", details: { from: { id: "u", email: "op@x" }, to: null } })).toBe("unassigned it (was op@x)");
    expect(describeActivity({ kind: "comment", details: {} })).toBe("commented");
    expect(describeActivity({ kind: "label", details: { value: "FALSE_POSITIVE", reason: "EXPECTED_EVENT" } })).toBe("labelled it false positive (expected event)");
    expect(describeActivity({ kind: "label", details: { value: "TRUE_POSITIVE", reason: null, imported: true } })).toBe("labelled it true positive, imported");
  });

  it("shows the pipeline's entries, including kinds it has not seen before", () => {
    expect(whoDid({ user: null })).toBe("Vigil (re-detection)");
    expect(describeActivity({ kind: "gone", details: {} })).toBe("no longer detects it");
    expect(describeActivity({ kind: "merged", details: { intoId: "abc" } })).toBe("merged it into anomaly abc");
    expect(describeActivity({ kind: "span_split", details: {} })).toBe("span split");
  });
});
