/**
 * Multivariate bench: every multivariate-capable kind of the registry (but the ensemble) scores the seeded corpus of
 * correlated groups (`lib/detection/testing/multivariate-corpus.ts`), one vector per step, trained on
 * each group's anomaly-free first stretch (or warmed up on it), at its own default threshold. Prints per
 * model and per anomaly kind the product's events (`toEvents`) against the windows (precision, recall,
 * F1), and the attribution HitRate: at the highest-scoring point inside each anomaly, the share of the
 * injected members among the top k attributed members, k = injected count (@100%) and ⌈1.5 k⌉ (@150%;
 * still divided by the injected count, so 1 is the best at both).
 *
 *   npm run bench:multivariate -- [--detectors all|kmeans,lof] [--seed 2026] [--sizes 4,10,40]
 */
import { parseArgs } from "node:util";
import { toEvents } from "../lib/detection/events";
import { topFeatures } from "../lib/detection/ml/common/attribution";
import { addEventCounts, countEvents, eventMetrics, type EventCounts } from "../lib/detection/nab";
import type { FeatureAttribution, Scored } from "../lib/detection/types";
import {
  GROUP_ANOMALY_KINDS,
  GROUP_SIZES,
  multivariateCorpus,
  type InjectedAnomaly,
  type SeriesGroup,
} from "../lib/detection/testing/multivariate-corpus";
import { resolveDetectors, type BenchDetector } from "./bench/detectors";
import { fixed, formatRate, printTable } from "./bench/table";

/** Share of `injected` among the top `k` attributed features, over the injected count. */
function hitRate(attribution: FeatureAttribution[], injected: number[], k: number): number {
  return topFeatures(attribution, k).filter((i) => injected.includes(i)).length / injected.length;
}

interface KindResult {
  events: EventCounts;
  hit100: number[];
  hit150: number[];
}

function scoreGroup(detector: BenchDetector, group: SeriesGroup): Scored[] {
  const instance = detector.create();
  const obs = group.rows.map((values, i) => ({ t: group.timestamps[i], values }));
  const train = obs.slice(0, group.trainSteps);
  const out: Scored[] = train.map((o) => ({ t: o.t, score: 0, raw: 0, skipped: "warmup" as const }));
  if (detector.needsTraining) instance.train!(train);
  else train.forEach((o) => instance.update(o));
  for (const o of obs.slice(group.trainSteps)) out.push(instance.update(o));
  return out;
}

/** The point with the highest score inside the anomaly itself (ties: the first). */
function peakOf(scored: Scored[], a: InjectedAnomaly): Scored | null {
  let best: Scored | null = null;
  for (let i = a.from; i <= a.to; i++) if (!scored[i].skipped && (!best || scored[i].score > best.score)) best = scored[i];
  return best;
}

function evaluate(detector: BenchDetector, corpus: SeriesGroup[]) {
  const perKind = new Map<string, KindResult>(
    GROUP_ANOMALY_KINDS.map((k) => [k, { events: { events: 0, hits: 0, windows: 0, recalled: 0 }, hit100: [], hit150: [] }]),
  );
  let all: EventCounts = { events: 0, hits: 0, windows: 0, recalled: 0 };
  let steps = 0;
  const started = performance.now();
  for (const group of corpus) {
    const scored = scoreGroup(detector, group);
    steps += scored.length;
    const live = scored.slice(group.trainSteps);
    const events = toEvents(live, { threshold: detector.threshold });
    const from = group.timestamps[group.trainSteps];
    all = addEventCounts(all, countEvents(events, group.anomalies.map((a) => a.window), from));
    for (const a of group.anomalies) {
      const r = perKind.get(a.kind)!;
      // Events are attributed to the kind of the window they overlap; events outside every window count once, in "all".
      const mine = events.filter((e) => e.end >= a.window.start && e.start <= a.window.end);
      r.events = addEventCounts(r.events, { events: mine.length, hits: mine.length, windows: 1, recalled: mine.length > 0 ? 1 : 0 });
      const peak = peakOf(scored, a);
      if (peak?.attribution) {
        const k = a.members.length;
        r.hit100.push(hitRate(peak.attribution, a.members, k));
        r.hit150.push(hitRate(peak.attribution, a.members, Math.ceil(1.5 * k)));
      }
    }
  }
  return { perKind, all, seconds: (performance.now() - started) / 1000, steps };
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

function main() {
  const { values } = parseArgs({
    options: {
      detectors: { type: "string", default: "all" },
      seed: { type: "string", default: "2026" },
      sizes: { type: "string" },
    },
  });
  const sizes = values.sizes ? values.sizes.split(",").map(Number) : GROUP_SIZES;
  if (sizes.some((s) => !Number.isInteger(s) || s < 2)) throw new Error(`--sizes: integers >= 2, got "${values.sizes}"`);
  const corpus = multivariateCorpus(Number(values.seed), sizes);
  // The ensemble is a combinator, not a model: its default members are univariate.
  const detectors = resolveDetectors(values.detectors.split(",").map((s) => s.trim()).filter(Boolean)).filter(
    (d) => d.input !== "univariate" && d.kind !== "ensemble",
  );
  const anomalies = corpus.reduce((n, g) => n + g.anomalies.length, 0);
  console.log(
    `multivariate corpus, seed ${values.seed}: ${corpus.length} groups of ${sizes.join(", ")} members, ` +
      `${corpus[0].rows.length} steps each (first ${corpus[0].trainSteps} for training), ${anomalies} anomalies ` +
      `(${GROUP_ANOMALY_KINDS.join(", ")}). Events at each detector's default threshold; per kind, events ` +
      "overlapping that kind's windows (so precision per kind is 1 by construction and shown only overall); " +
      "HitRate at the anomaly's peak-score point.",
  );
  const header = ["detector", "thr", "events", "precision", "recall", "F1", "Hit@100%", "Hit@150%", "steps/s"];
  const kindHeader = ["detector", ...GROUP_ANOMALY_KINDS.flatMap((k) => [`${k}: recall`, "Hit@100", "Hit@150"])];
  const rows: string[][] = [];
  const kindRows: string[][] = [];
  for (const detector of detectors) {
    const r = evaluate(detector, corpus);
    console.error(`${detector.name}: ${r.seconds.toFixed(1)} s`);
    const m = eventMetrics(r.all);
    const kinds = [...r.perKind.values()];
    const h100 = kinds.flatMap((k) => k.hit100);
    const h150 = kinds.flatMap((k) => k.hit150);
    rows.push([
      detector.name,
      fixed(detector.threshold),
      String(m.events),
      fixed(m.precision, 3),
      fixed(m.recall, 3),
      fixed(m.f1, 3),
      fixed(mean(h100), 3),
      fixed(mean(h150), 3),
      formatRate(r.steps / r.seconds),
    ]);
    kindRows.push([
      detector.name,
      ...kinds.flatMap((k) => [fixed(eventMetrics(k.events).recall, 2), fixed(mean(k.hit100), 2), fixed(mean(k.hit150), 2)]),
    ]);
  }
  printTable(header, rows);
  console.log("\nper anomaly kind:");
  printTable(kindHeader, kindRows);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
