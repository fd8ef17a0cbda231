import { describe, expect, it } from "vitest";
import { parseHeaderLines } from "@/components/alerts/channel-form";

describe("custom header lines", () => {
  it("reads Name: value lines and refuses others", () => {
    expect(parseHeaderLines("X-Team: sre\n\n Authorization: Bearer a:b ")).toEqual({ "X-Team": "sre", Authorization: "Bearer a:b" });
    expect(() => parseHeaderLines("no colon")).toThrow('"no colon" is not "Name: value"');
  });
});
