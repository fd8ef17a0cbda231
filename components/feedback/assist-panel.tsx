"use client";
/**
 * Supervised assist on the detector page: the labels it has, its effect on labels it was not
 * trained on (precision and recall before and after), what it would filter over the last 30 days,
 * and, for admins, turning it on, off, or back to the classifier that was on (lib/feedback/README.md).
 */
import { useCan } from "@/components/use-can";
import { useAssist, useSwitchAssist } from "@/components/feedback/use-assist";
import type { AssistAnswer } from "@/lib/feedback/assist-schemas";

const pct = (x: number | null) => (x === null ? "–" : `${Math.round(x * 100)}%`);
/** Held-out recall falls by more than 0.05 for less than 0.1 of precision, or precision does not rise. */
const worse = (e: NonNullable<AssistAnswer["effect"]>) => {
  const dp = (e.after.precision ?? 0) - (e.before.precision ?? 0);
  const dr = (e.after.recall ?? 0) - (e.before.recall ?? 0);
  return dp <= 0 ? e.truePositivesLost > 0 : dr < -0.05 && dp < 0.1;
};

export function AssistPanel({ detectorId }: { detectorId: string }) {
  const canWrite = useCan("detectors:write");
  const assist = useAssist(detectorId);
  const toggle = useSwitchAssist(detectorId);
  const a = assist.data;
  const error = assist.error ?? toggle.error;
  const on = a?.current?.enabled ?? false;
  return (
    <section className="panel" aria-labelledby="assist-title">
      <h2 id="assist-title">Supervised assist</h2>
      <p className="muted">
        A classifier trained on this detector&apos;s labelled anomalies (peak score, points, duration, deviation, direction, volatility, time of day,
        weekend) filters those it finds unlikely to be true. A filtered anomaly is kept, marked suppressed, does not alert, and the queue shows it when asked.
      </p>
      {error && <p className="error" role="alert">{error.message}</p>}
      {!a ? <p className="muted">Reading the labels…</p> : (
        <>
          <p>Labels: {a.labels.tp} true and {a.labels.fp} false positives (needs {a.labels.needed}, at least {a.labels.perClass} of each).</p>
          {a.notReady && <p className="muted" role="status">Not available yet: {a.notReady}.</p>}
          {a.effect && (
            <>
              <p role="status" aria-label="Assist what-if">{a.effect.sentence}</p>
              {worse(a.effect) && <p className="error" role="note">On labels it was not trained on it loses true positives without raising precision enough: better left off until there are more labels.</p>}
              <table className="table" aria-label="Assist effect on held-out labels">
                <thead><tr><th scope="col">Held-out labels</th><th scope="col">True positives</th><th scope="col">False positives</th><th scope="col">Precision</th><th scope="col">Recall</th></tr></thead>
                <tbody>
                  <tr><th scope="row">Today</th><td>{a.effect.before.tp}</td><td>{a.effect.before.fp}</td><td>{pct(a.effect.before.precision)}</td><td>{pct(a.effect.before.recall)}</td></tr>
                  <tr><th scope="row">With the assist</th><td>{a.effect.after.tp}</td><td>{a.effect.after.fp}</td><td>{pct(a.effect.after.precision)}</td><td>{pct(a.effect.after.recall)}</td></tr>
                </tbody>
              </table>
              <p className="muted">
                Over {a.period.from.slice(0, 10)} to {a.period.to.slice(0, 10)} it would filter {a.period.filtered} of {a.period.alerting} alerting anomalies
                ({a.period.unlabelledFiltered} unlabelled). Cutoff: P(true positive) below {a.proposal!.cutoff.toFixed(2)}.
              </p>
            </>
          )}
          {a.current && (
            <p>
              {on ? "On" : "Off"} since {new Date(a.current.createdAt).toLocaleString()}: trained on {a.current.trainedOn.tp} true and {a.current.trainedOn.fp} false
              positives, {on ? `filtering ${a.current.filtering} anomalies now` : "filtering nothing"}.
            </p>
          )}
          {canWrite && (
            <p className="actions-inline">
              {!a.notReady && <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate({ enabled: true })}>{on ? "Retrain the assist on today's labels" : "Turn the assist on"}</button>}
              {on && <button type="button" className="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate({ enabled: false })}>Turn the assist off</button>}
              {!on && a.current && <button type="button" className="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate({ enabled: true, ruleId: a.current!.ruleId })}>Undo: turn the last assist back on</button>}
              {on && a.previous && <button type="button" className="secondary" disabled={toggle.isPending} onClick={() => toggle.mutate({ enabled: true, ruleId: a.previous!.ruleId })}>Undo: back to the previous classifier</button>}
            </p>
          )}
        </>
      )}
    </section>
  );
}
