/** How to push points to an HTTP_PUSH source (formats: lib/ingest/parse-json.ts). */
import s from "@/components/sources/sources.module.css";

export function pushSnippet(origin: string, key = "$VIGIL_KEY"): string {
  return [
    `curl -X POST ${origin}/api/v1/ingest \\`,
    `  -H "Authorization: Bearer ${key}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"series": "cpu.usage", "labels": {"host": "web-1"},`,
    `       "points": [["2026-01-01T00:00:00Z", 0.42], ["2026-01-01T00:01:00Z", 0.47]]}'`,
  ].join("\n");
}

export function PushSnippet({ origin }: { origin: string }) {
  return (
    <div className={s.howTo}>
      <h3>How to push</h3>
      <p className="muted">
        Send JSON <code>{"{series, labels?, points: [[timestamp, value], …]}"}</code> (or an array of them, NDJSON, or CSV) with a key of this source.
        Timestamps are ISO 8601 or Unix seconds.
      </p>
      <pre className={s.snippet}>{pushSnippet(origin)}</pre>
    </div>
  );
}
