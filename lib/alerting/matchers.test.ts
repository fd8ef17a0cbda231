import { describe, expect, it } from "vitest";
import { formatMatcher, matches, matchesAll, parseMatchers, ZMatcher } from "@/lib/alerting/matchers";

const labels = { host: "web-1", env: "prod-eu", metric: "cpu.usage" };

describe("matchers (Alertmanager semantics)", () => {
  it("= and != compare exactly; an absent label reads as empty", () => {
    expect(matches({ name: "host", op: "=", value: "web-1" }, labels)).toBe(true);
    expect(matches({ name: "host", op: "=", value: "web" }, labels)).toBe(false);
    expect(matches({ name: "host", op: "!=", value: "web-2" }, labels)).toBe(true);
    expect(matches({ name: "dc", op: "=", value: "" }, labels)).toBe(true);
    expect(matches({ name: "dc", op: "!=", value: "" }, labels)).toBe(false);
  });

  it("regexes are anchored at both ends", () => {
    expect(matches({ name: "env", op: "=~", value: "prod.*" }, labels)).toBe(true);
    expect(matches({ name: "env", op: "=~", value: "prod" }, labels)).toBe(false);
    expect(matches({ name: "env", op: "=~", value: "eu" }, labels)).toBe(false);
    expect(matches({ name: "env", op: "!~", value: "dev|staging" }, labels)).toBe(true);
    expect(matches({ name: "env", op: "!~", value: "prod-.." }, labels)).toBe(false);
  });

  it("all must hold; none is everything", () => {
    expect(matchesAll([], labels)).toBe(true);
    expect(matchesAll([{ name: "host", op: "=", value: "web-1" }, { name: "env", op: "=~", value: "dev" }], labels)).toBe(false);
  });

  it("refuses a bad regex naming the value", () => {
    const r = ZMatcher.safeParse({ name: "env", op: "=~", value: "(" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(["value"]);
  });

  it("reads and writes the text form", () => {
    const ms = parseMatchers(' host="web-1", env=~"prod.*",zone!=a ');
    expect(ms).toEqual([
      { name: "host", op: "=", value: "web-1" },
      { name: "env", op: "=~", value: "prod.*" },
      { name: "zone", op: "!=", value: "a" },
    ]);
    expect(ms.map(formatMatcher).join(", ")).toBe('host="web-1", env=~"prod.*", zone!="a"');
    expect(parseMatchers("")).toEqual([]);
    expect(() => parseMatchers("host")).toThrow(/cannot read matcher at "host"/);
    expect(() => parseMatchers('env=~"("')).toThrow(/env: not a valid regular expression/);
  });
});
