import { describe, expect, it } from "vitest";
import { activeMute, localTime, muteEndsAt, ZMuteInterval, ZTimeZone } from "@/lib/alerting/mute";

const night = { weekdays: ["mon", "tue", "wed", "thu", "fri"] as ("mon" | "tue" | "wed" | "thu" | "fri")[], start: "22:00", end: "07:00" };
const weekend = { weekdays: ["sat", "sun"] as ("sat" | "sun")[], start: "00:00", end: "23:59" };

describe("mute timings", () => {
  it("reads the local weekday and time in the rule's zone", () => {
    // 2026-12-03 is a Thursday; 21:30 UTC is 22:30 in Berlin (UTC+1 in winter).
    expect(localTime(new Date("2026-12-03T21:30:00Z"), "Europe/Berlin")).toEqual({ weekday: "thu", minutes: 22 * 60 + 30 });
    expect(localTime(new Date("2026-12-03T21:30:00Z"), "UTC")).toEqual({ weekday: "thu", minutes: 21 * 60 + 30 });
  });

  it("an overnight interval runs past midnight into the next day", () => {
    expect(activeMute([night], "Europe/Berlin", new Date("2026-12-03T21:30:00Z"))).toBe(night); // Thu 22:30
    expect(activeMute([night], "Europe/Berlin", new Date("2026-12-04T05:00:00Z"))).toBe(night); // Fri 06:00
    expect(activeMute([night], "Europe/Berlin", new Date("2026-12-04T06:30:00Z"))).toBeNull(); // Fri 07:30
    expect(activeMute([night], "UTC", new Date("2026-12-03T21:30:00Z"))).toBeNull(); // Thu 21:30 UTC
    // Friday 22:00 starts a night that runs into Saturday morning; Sunday night is not muted by it.
    expect(activeMute([night], "UTC", new Date("2026-12-05T03:00:00Z"))).toBe(night);
    expect(activeMute([night], "UTC", new Date("2026-12-06T23:00:00Z"))).toBeNull();
    expect(activeMute([night, weekend], "UTC", new Date("2026-12-06T12:00:00Z"))).toBe(weekend);
  });

  it("refuses bad times and zones naming the field", () => {
    expect(ZMuteInterval.safeParse({ weekdays: ["mon"], start: "24:00", end: "07:00" }).error!.issues[0].path).toEqual(["start"]);
    expect(ZMuteInterval.safeParse({ weekdays: [], start: "22:00", end: "07:00" }).error!.issues[0].path).toEqual(["weekdays"]);
    expect(ZTimeZone.safeParse("Mars/Olympus").success).toBe(false);
    expect(ZTimeZone.safeParse("America/New_York").success).toBe(true);
  });
});

describe("muteEndsAt", () => {
  it("is the first minute no interval mutes, in the rule's zone; chained intervals run on; null when not muted", () => {
    // Thursday 23:30 Berlin (22:30 UTC): the night interval ends Friday 07:00 Berlin = 06:00 UTC.
    expect(muteEndsAt([night], "Europe/Berlin", new Date("2026-12-03T22:30:00Z"))?.toISOString()).toBe("2026-12-04T06:00:00.000Z");
    // Friday night runs into Saturday's 00:00-23:59: the first free minute is Saturday 23:59.
    expect(muteEndsAt([night, weekend], "UTC", new Date("2026-12-04T23:00:00Z"))?.toISOString()).toBe("2026-12-05T23:59:00.000Z");
    expect(muteEndsAt([night], "UTC", new Date("2026-12-03T12:00:00Z"))).toBeNull();
  });
});
