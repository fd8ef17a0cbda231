import { describe, expect, it } from "vitest";
import { parseTimestamp } from "@/lib/ingest/timestamp";

const at = "2024-05-01T12:00:00.250Z";
const ms = Date.parse(at);

describe("parseTimestamp", () => {
  it("reads epoch seconds below 1e11 and milliseconds above, as numbers or digit strings", () => {
    expect(parseTimestamp(ms / 1000)).toEqual({ ms });
    expect(parseTimestamp(ms)).toEqual({ ms });
    expect(parseTimestamp(String(ms))).toEqual({ ms });
    expect(parseTimestamp("1714564800.25")).toEqual({ ms });
  });

  it("reads ISO-8601 with a zone, and a bare date as midnight UTC", () => {
    expect(parseTimestamp(at)).toEqual({ ms });
    expect(parseTimestamp("2024-05-01T14:00:00.25+02:00")).toEqual({ ms });
    expect(parseTimestamp("2024-05-01")).toEqual({ ms: Date.parse("2024-05-01T00:00:00Z") });
  });

  it("refuses what it would have to guess", () => {
    expect(parseTimestamp("2024-05-01T12:00:00")).toMatchObject({ error: expect.stringContaining("no time zone") });
    expect(parseTimestamp("yesterday")).toMatchObject({ error: expect.stringContaining("not ISO-8601") });
    expect(parseTimestamp("2024-02-31T00:00:00Z")).toHaveProperty("error");
    expect(parseTimestamp(-1)).toHaveProperty("error");
    expect(parseTimestamp(null)).toHaveProperty("error");
    expect(parseTimestamp(1e16)).toHaveProperty("error");
  });
});
