import { describe, expect, it } from "vitest";
import { formatHeaderLines, parseHeaderLines } from "@/components/alerts/channel-form";
import { parseLabelList } from "@/components/alerts/rule-form";

describe("custom header lines", () => {
  it("reads Name: value lines and refuses others", () => {
    expect(parseHeaderLines("X-Team: sre\n\n Authorization: Bearer a:b ")).toEqual({ "X-Team": "sre", Authorization: "Bearer a:b" });
    expect(() => parseHeaderLines("no colon")).toThrow('"no colon" is not "Name: value"');
  });
});

describe("edit forms", () => {
  it("show headers as lines that read back the same (masked values stay masked, so the API keeps them)", () => {
    const shown = formatHeaderLines({ "X-Team": "********", Authorization: "********" });
    expect(shown).toBe("X-Team: ********\nAuthorization: ********");
    expect(parseHeaderLines(shown)).toEqual({ "X-Team": "********", Authorization: "********" });
    expect(formatHeaderLines(undefined)).toBe("");
  });
  it("read group-by labels separated by commas or spaces", () => {
    expect(parseLabelList(" host, env  dc ")).toEqual(["host", "env", "dc"]);
    expect(parseLabelList("")).toEqual([]);
  });
});
