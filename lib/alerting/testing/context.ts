/** A realistic AlertContext for the alerting unit tests. */
import type { AlertContext } from "@/lib/alerting/alert";

export function sampleContext(over: Partial<AlertContext["anomaly"]> = {}): AlertContext {
  return {
    anomaly: {
      id: "an_1",
      startTs: new Date("2026-12-03T10:02:00Z"),
      endTs: new Date("2026-12-03T10:07:00Z"),
      peakTs: new Date("2026-12-03T10:04:00Z"),
      peakScore: 0.97,
      severity: "HIGH",
      actual: 93.2,
      expected: 41,
      lower: 30,
      upper: 52,
      pointCount: 6,
      ongoing: true,
      detection: "ACTIVE",
      status: "OPEN",
      ...over,
    },
    series: { id: "se_1", metric: "cpu.usage", labels: { host: "web-1", env: "prod" } },
    source: { id: "so_1", name: "web-1 <prod>" },
    detector: { id: "de_1", name: "cpu zscore", algorithm: "zscore", threshold: 0.6 },
    url: "https://vigil.example.com/anomalies/an_1",
  };
}
