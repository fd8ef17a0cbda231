import { createRng } from "@/lib/detection/random";
import { RcfForest } from "@/lib/detection/ml/rcf-forest";
import { sineSeries } from "@/lib/detection/ml/testing/synthetic";
const f = new RcfForest(50, 256, 8, 1/2560);
const rng = createRng(1);
const s = sineSeries(30000, 1, 50, 0.05);
const p = new Float64Array(8);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let ts = 0, tu = 0;
const seqBefore: number[] = [];
for (let i = 8; i < s.length; i++) {
  for (let j = 0; j < 8; j++) p[j] = s[i - 8 + j];
  const a = cpu(); f.score(p); const b = cpu(); f.update(p, rng); const c = cpu();
  if (i > 10000) { ts += b - a; tu += c - b; }
}
const n = s.length - 10001;
console.log("score us/pt(cpu)", (ts / n * 1e6).toFixed(1), "update us/pt(cpu)", (tu / n * 1e6).toFixed(1));
// acceptance: count leaves changed — approximate via instrumented insert count
let inserts = 0; const t0 = f.trees[0]; const orig = t0.insert.bind(t0);
for (const t of f.trees) { const o = t.insert.bind(t); t.insert = (q, r) => { inserts++; return o(q, r); }; }
for (let i = 8; i < 10008; i++) { for (let j = 0; j < 8; j++) p[j] = s[i - 8 + j]; f.update(p, rng); }
console.log("accept rate per tree", inserts / 10000 / 50);
