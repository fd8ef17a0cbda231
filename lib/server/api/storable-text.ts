/**
 * PostgreSQL cannot store U+0000 in text or jsonb, and a lone UTF-16 surrogate has no UTF-8 form
 * (jsonb refuses its \uD800 escape; text would silently turn it into U+FFFD). Such strings are a
 * client's mistake: they are found here, before anything reaches the database, and named by field.
 */
import { AppError, type FieldIssue } from "@/lib/server/api/errors";

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableReason(text: string): string | null {
  const m = UNSTORABLE.exec(text);
  if (!m) return null;
  return m[0] === "\u0000" ? "must not contain the NUL character (U+0000)" : "must not contain a lone UTF-16 surrogate";
}

/** Every string (and object key) in a JSON-like value that cannot be stored, with its path. */
export function unstorableFields(value: unknown, path = "", found: FieldIssue[] = [], limit = 20): FieldIssue[] {
  if (found.length >= limit) return found;
  if (typeof value === "string") {
    const reason = unstorableReason(value);
    if (reason) found.push({ path: path || "(root)", message: reason });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorableFields(v, path ? `${path}.${i}` : String(i), found, limit));
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const keyReason = unstorableReason(k);
      const at = path ? `${path}.${keyReason ? JSON.stringify(k) : k}` : keyReason ? JSON.stringify(k) : k;
      if (keyReason) found.push({ path: at, message: `field name ${keyReason}` });
      unstorableFields(v, at, found, limit);
    }
  }
  return found;
}

/** Throws 400 naming each field (prefixed by `where`: "body", "query", "path") that cannot be stored. */
export function assertStorable(value: unknown, where: string): void {
  const issues = unstorableFields(value).map((i) => ({ path: i.path === "(root)" ? where : `${where}.${i.path}`, message: i.message }));
  if (issues.length === 0) return;
  const [first] = issues;
  throw new AppError("bad_request", `${first.path}: ${first.message}`, issues);
}
