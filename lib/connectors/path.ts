/** Simple dotted paths into parsed JSON: `data.result`, `items[0].value`, `items.0.value`. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p.length > 0);
}

const MISSING = Symbol("missing");

/** The value at `path`, or `undefined` when any step is missing. */
export function getPath(root: unknown, path: string): unknown {
  const v = getPathOr(root, path);
  return v === MISSING ? undefined : v;
}

export function hasPath(root: unknown, path: string): boolean {
  return getPathOr(root, path) !== MISSING;
}

function getPathOr(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const step of splitPath(path)) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, step)) return MISSING;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}
