/**
 * A seeded mutator for hostile requests (a small zzuf / property generator without a dependency):
 * the same seed gives the same sequence, and a failure prints the seed and the case to replay.
 */
export type Rng = () => number;

/** mulberry32: tiny, fast, good enough to pick mutations. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** Strings that have broken servers: what PostgreSQL cannot store, what parsers and SQL trip on. */
export const HOSTILE_STRINGS = [
  "\u0000", "a\u0000b", "\uD800", "x\uDBFFy", "\uDC00", "tail\uD83D", "😀", "\u202Eevil", "\uFEFF", "' OR '1'='1", "\\", '"', "%00",
  "%ED%A0%80", "${jndi:ldap://x}", "<script>alert(1)</script>", "", " ", "\n", "\r\n\t", "null", "__proto__", "constructor", "a".repeat(5000),
  "𝕏".repeat(300), "0", "-1", "1e309", "NaN", "9".repeat(40), "../../etc/passwd", "\u0000".repeat(3), "\\u0000", "é\u0301",
] as const;

const HOSTILE_VALUES: unknown[] = [null, true, false, 0, -0, -1, 1.5, 2 ** 53 + 1, -1e308, [], {}, [null], { a: "\u0000" }, ["\uD800"], [[[[[]]]]]];

type Json = unknown;

/** Paths to every value in a JSON tree (objects and arrays included). */
function paths(value: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]] = value;
  return copy;
}

function hostileValue(rng: Rng): Json {
  return rng() < 0.7 ? pick(rng, HOSTILE_STRINGS) : structuredClone(pick(rng, HOSTILE_VALUES));
}

/** One structural mutation of a valid JSON body: a leaf replaced, a hostile key added, a key dropped. */
export function mutateJson(rng: Rng, base: Json): Json {
  const all = paths(base);
  const target = pick(rng, all);
  const r = rng();
  if (r < 0.55) return setAt(base, target, hostileValue(rng));
  const parentPath = all.filter((p) => {
    let node = base as Record<string, Json>;
    for (const k of p) node = node[k as string] as Record<string, Json>;
    return node !== null && typeof node === "object" && !Array.isArray(node);
  });
  const parent = pick(rng, parentPath.length ? parentPath : [[]]);
  let node = structuredClone(base) as Record<string, Json>;
  const root = node;
  for (const k of parent) node = node[k as string] as Record<string, Json>;
  if (r < 0.8) node[pick(rng, HOSTILE_STRINGS)] = hostileValue(rng);
  else {
    const keys = Object.keys(node);
    if (keys.length) delete node[pick(rng, keys)];
  }
  return parent.length ? root : node;
}

/** Byte-level damage (zzuf style) to an encoded body: flipped bits, NUL bytes, stray UTF-8 pieces, cuts. */
export function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  const n = 1 + Math.floor(rng() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rng() * (out.length + 1));
    const r = rng();
    if (r < 0.3 && out.length) out[Math.min(at, out.length - 1)] ^= 1 << Math.floor(rng() * 8);
    else if (r < 0.5) out.splice(at, 0, 0);
    else if (r < 0.7) out.splice(at, 0, ...pick(rng, [[0xc3], [0xed, 0xa0, 0x80], [0xff], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]));
    else if (r < 0.85) out.splice(at);
    else out.splice(at, 0, ...new TextEncoder().encode(pick(rng, HOSTILE_STRINGS).slice(0, 50)));
  }
  return Uint8Array.from(out);
}

/** A hostile id for a URL path segment (as the router would hand it to the route, decoded). */
export function hostileId(rng: Rng): string {
  return pick(rng, ["\u0000", "id\u0000", "\uD800", "' OR 1=1 --", "a".repeat(3000), "..", "%00", "😀", " ", "null", "\uFFFF"]);
}
