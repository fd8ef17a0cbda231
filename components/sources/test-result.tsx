"use client";
import { formatDateTime, formatLabels, formatNumber } from "@/components/format";
import type { TestResult } from "@/components/sources/use-sources";
import s from "@/components/sources/sources.module.css";

const FIRST_POINTS = 3;

/** What a connection test found: a sample of series and their first points, or the precise error. */
export function TestResultView({ result }: { result: TestResult }) {
  if (!result.ok) {
    return (
      <p className="error" role="alert">
        Connection failed: {result.error}
      </p>
    );
  }
  return (
    <div role="status" aria-label="Test result">
      <p className={s.ok}>
        Connection works.{" "}
        {result.sample ? `${formatNumber(result.sample.totalPoints)} points in ${result.sample.series.length} series.` : ""} {result.message ?? ""}
      </p>
      {result.sample && result.sample.series.length > 0 && (
        <table className="table" aria-label="Sample">
          <thead>
            <tr><th>Series</th><th>Labels</th><th>First points</th></tr>
          </thead>
          <tbody>
            {result.sample.series.slice(0, 20).map((x) => (
              <tr key={x.metric + formatLabels(x.labels)}>
                <td>{x.metric}</td>
                <td><code>{formatLabels(x.labels) || "—"}</code></td>
                <td className={s.small}>
                  {x.points.slice(0, FIRST_POINTS).map(([ts, v]) => (
                    <div key={ts}>{formatDateTime(ts)} → {v}</div>
                  ))}
                  {x.points.length > FIRST_POINTS && <span className="muted">… {formatNumber(x.points.length - FIRST_POINTS)} more</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
