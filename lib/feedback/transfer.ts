/**
 * Labels and missed spans as CSV or JSON rows, and back. Pure. Import errors name the row (1 is
 * the first data row) and the field, so a 422 says exactly what to fix.
 */
import { parse } from "csv-parse/sync";
import { EXPORT_COLUMNS, ZExportRow, type ExportRow, type ImportRow } from "@/lib/feedback/schemas";

export interface RowIssue {
  path: string;
  message: string;
}

/**
 * Spreadsheet formula injection: a cell starting with = + - @ tab or CR would run as a formula
 * when the file is opened in a spreadsheet; it is written with a leading apostrophe (OWASP's
 * advice), which the import takes off again so the CSV still round-trips.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const guardFormula = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);
export const unguardFormula = (s: string) => (s.startsWith("'") && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s);

const cell = (v: unknown) => {
  const s = guardFormula(v === null || v === undefined ? "" : String(v));
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [EXPORT_COLUMNS.join(",")];
  for (const r of rows) lines.push(EXPORT_COLUMNS.map((c) => cell(r[c])).join(","));
  return `${lines.join("\n")}\n`;
}

export function parseCsvRows(text: string): { rows: unknown[]; issues: RowIssue[] } {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (e) {
    return { rows: [], issues: [{ path: "(csv)", message: `is malformed: ${(e as Error).message}` }] };
  }
  return { rows: records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, unguardFormula(v)]))), issues: [] };
}

/** Validates every row; all issues at once, as `rows[<n>].<field>`. */
export function validateRows(rows: readonly unknown[]): { rows: ImportRow[]; issues: RowIssue[] } {
  const out: ImportRow[] = [];
  const issues: RowIssue[] = [];
  rows.forEach((raw, i) => {
    const r = ZExportRow.safeParse(raw);
    if (!r.success) {
      for (const is of r.error.issues) issues.push({ path: `rows[${i + 1}].${is.path.join(".") || "(row)"}`, message: is.message });
      return;
    }
    // A label's span is its anomaly's, which is one point (end = start) for a one-point anomaly; a missed span has a length (as POST /labels/missed).
    const [start, end] = [Date.parse(r.data.start), Date.parse(r.data.end)];
    if (end < start) issues.push({ path: `rows[${i + 1}].end`, message: "must not be before start" });
    else if (r.data.kind === "MISSED" && end === start) issues.push({ path: `rows[${i + 1}].end`, message: "must be after start" });
    else if (!r.data.detectorId && !r.data.detectorName) issues.push({ path: `rows[${i + 1}].detectorId`, message: "give detectorId or detectorName" });
    else if (r.data.kind !== "MISSED" && r.data.reason === "OTHER" && !r.data.note) issues.push({ path: `rows[${i + 1}].note`, message: "say what the other reason is" });
    else out.push(r.data);
  });
  return { rows: out, issues };
}
