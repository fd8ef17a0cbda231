import { describe, expect, it } from "vitest";
import { parseCsvRows, toCsv, validateRows } from "@/lib/feedback/transfer";
import type { ExportRow } from "@/lib/feedback/schemas";

const row: ExportRow = {
  kind: "FALSE_POSITIVE", detectorId: "d1", detectorName: "cpu, main", seriesId: "s1", metric: "cpu", start: "2026-03-01T00:00:00.000Z", end: "2026-03-01T00:05:00.000Z",
  reason: "OTHER", note: 'a "deploy"\nwindow', labelledBy: "an@example.com", labelledAt: "2026-03-02T00:00:00.000Z", anomalyId: "a1",
};

describe("label transfer", () => {
  it("CSV round-trips quotes, commas and newlines", () => {
    const { rows, issues } = parseCsvRows(toCsv([row, { ...row, kind: "MISSED", reason: "", note: "" }]));
    expect(issues).toEqual([]);
    const v = validateRows(rows);
    expect(v.issues).toEqual([]);
    expect(v.rows[0]).toEqual(row);
    expect(v.rows[1].kind).toBe("MISSED");
  });

  it("names the row and the field of every bad value", () => {
    const v = validateRows([
      { ...row, kind: "MAYBE" },
      { ...row, start: "yesterday" },
      { ...row, end: "2026-02-28T23:59:00.000Z" },
      { ...row, kind: "MISSED", reason: "", end: row.start },
      { ...row, detectorId: "", detectorName: "" },
      { ...row, note: "" },
    ]);
    expect(v.rows).toEqual([]);
    expect(v.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "rows[1].kind: Invalid option: expected one of \"TRUE_POSITIVE\"|\"FALSE_POSITIVE\"|\"UNSURE\"|\"MISSED\"",
      "rows[2].start: must be an ISO 8601 date-time",
      "rows[3].end: must not be before start",
      "rows[4].end: must be after start",
      "rows[5].detectorId: give detectorId or detectorName",
      "rows[6].note: say what the other reason is",
    ]);
  });

  it("takes a label of a one-point anomaly (end = start), as the export writes it", () => {
    const v = validateRows([{ ...row, end: row.start }]);
    expect(v.issues).toEqual([]);
    expect(v.rows[0].end).toBe(row.start);
  });

  it("guards cells a spreadsheet would run as formulas, and the import takes the guard off", () => {
    const hostile = { ...row, detectorName: "=HYPERLINK(\"http://x\")", metric: "+cpu", note: "-1", labelledBy: "@an" };
    const csv = toCsv([hostile]);
    const cells = csv.split("\n")[1];
    expect(cells).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(cells).toContain(",'+cpu,");
    expect(cells).toContain(",'-1,'@an,");
    expect(cells).not.toMatch(/(^|,)[=+\-@]/);
    const back = validateRows(parseCsvRows(csv).rows);
    expect(back.rows[0]).toEqual(hostile);
  });

  it("reports a malformed CSV", () => {
    expect(parseCsvRows('kind,start\n"unclosed').issues[0].path).toBe("(csv)");
  });
});
