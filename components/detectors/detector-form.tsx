"use client";
/** Create or edit a detector: params form from the algorithm's JSON schema, series, threshold, preview. */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ApiError } from "@/lib/client/api";
import { calibratedWindow, issuesByField, toFormFields, toFormValues, toParams, type FormValues } from "@/lib/detectors/form-fields";
import { ParamsFields } from "@/components/detectors/params-fields";
import { PreviewPanel } from "@/components/detectors/preview-panel";
import { SeriesPicker } from "@/components/detectors/series-picker";
import { SourceWatchPicker } from "@/components/detectors/source-watch-picker";
import { GroupingFields, toGrouping, toGroupingForm, type GroupingForm } from "@/components/detectors/grouping-fields";
import type { GroupingInput } from "@/lib/detectors/grouping";
import { useAlgorithms, useCreateDetector, useUpdateDetector, type DetectorJson, type SeriesRow } from "@/components/detectors/use-detectors";

export function DetectorForm({ detector }: { detector?: DetectorJson }) {
  const algorithms = useAlgorithms();
  if (algorithms.error) return <p className="error" role="alert">{algorithms.error.message}</p>;
  if (!algorithms.data) return <p className="muted">Loading algorithms…</p>;
  return <DetectorFormInner algorithms={algorithms.data} detector={detector} />;
}

function DetectorFormInner({ algorithms, detector }: { algorithms: NonNullable<ReturnType<typeof useAlgorithms>["data"]>; detector?: DetectorJson }) {
  const router = useRouter();
  const create = useCreateDetector();
  const update = useUpdateDetector(detector?.id ?? "");
  const [name, setName] = useState(detector?.name ?? "");
  const [algorithm, setAlgorithm] = useState(detector?.algorithm ?? "zscore");
  const info = algorithms.find((a) => a.kind === algorithm) ?? algorithms[0];
  const fields = useMemo(() => toFormFields(info.paramsSchema), [info]);
  const [values, setValues] = useState<FormValues>(() => toFormValues(fields, detector?.params));
  const [threshold, setThreshold] = useState(detector?.threshold ?? info.defaultThreshold);
  const [mode, setMode] = useState(detector?.mode ?? "STREAMING");
  const [trainingHours, setTrainingHours] = useState(detector?.trainingWindowHours?.toString() ?? "");
  const [retrainCron, setRetrainCron] = useState(detector?.retrainCron ?? "");
  const [enabled, setEnabled] = useState(detector?.enabled ?? true);
  const [series, setSeries] = useState<SeriesRow[]>(detector?.series.map((s) => s.series) ?? []);
  const [sourceIds, setSourceIds] = useState<string[]>(detector?.sources.map((s) => s.source.id) ?? []);
  const [grouping, setGrouping] = useState<GroupingForm>(() => toGroupingForm(detector?.grouping as GroupingInput | null | undefined));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const saving = create.isPending || update.isPending;
  const calibration = calibratedWindow(fields, values);

  function chooseAlgorithm(kind: string) {
    const next = algorithms.find((a) => a.kind === kind)!;
    setAlgorithm(kind);
    setValues(toFormValues(toFormFields(next.paramsSchema)));
    setThreshold(next.defaultThreshold);
    setErrors({});
  }

  // An edited field's old error (and the summary naming it) no longer applies.
  function onParamChange(name: string, value: string | boolean) {
    setValues((s) => ({ ...s, [name]: value }));
    setErrors(({ [`params.${name}`]: _gone, ...rest }) => rest);
    setFormError(null);
  }

  /** Params from the form, or null (with field errors shown) when some input cannot be read. */
  function buildParams(): Record<string, unknown> | null {
    const r = toParams(fields, values);
    const local = Object.fromEntries(Object.entries(r.errors).map(([k, v]) => [`params.${k}`, v]));
    setErrors(local);
    return Object.keys(local).length ? null : r.params;
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const params = buildParams();
    if (!params) return;
    const body = {
      name,
      algorithm,
      params,
      threshold,
      mode,
      trainingWindowHours: trainingHours ? Number(trainingHours) : null,
      // Only algorithms that train have a retrain schedule; the field is hidden (and cleared) for the others.
      retrainCron: info.needsTraining ? retrainCron.trim() || null : null,
      enabled,
      seriesIds: series.map((s) => s.id),
      sourceIds,
      // Only multivariate algorithms can score groups; the fields are hidden for the others.
      grouping: info.input === "univariate" ? null : toGrouping(grouping, series.map((s) => s.id)),
    };
    try {
      if (detector) {
        const r = await update.mutateAsync(body);
        router.push(`/detectors/${detector.id}${r.restartsCheckpoint ? "?changed=1" : ""}`);
      } else {
        const d = await create.mutateAsync(body);
        router.push(`/detectors/${d.id}`);
      }
      router.refresh();
    } catch (err) {
      setErrors(issuesByField(err instanceof ApiError ? err.issues : undefined));
      setFormError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <>
      <form className="panel detector-form" onSubmit={onSubmit} aria-label={detector ? "Edit detector" : "New detector"} noValidate>
        <div className="form-row">
          <div className="field">
            <label htmlFor="name">Name</label>
            <input id="name" value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={!!errors.name} />
            {errors.name && <small className="error" role="alert">{errors.name}</small>}
          </div>
          <div className="field">
            <label htmlFor="algorithm">Algorithm</label>
            <select id="algorithm" value={algorithm} onChange={(e) => chooseAlgorithm(e.target.value)}>
              {algorithms.map((a) => <option key={a.kind} value={a.kind}>{a.label}</option>)}
            </select>
            {errors.algorithm && <small className="error" role="alert">{errors.algorithm}</small>}
          </div>
        </div>
        <p className="muted algo-desc">
          {info.description}
          {info.needsTraining && " Needs training: it flags nothing until a model is trained on the training window."}
        </p>

        <fieldset>
          <legend>Parameters</legend>
          <ParamsFields fields={fields} values={values} errors={errors} onChange={onParamChange} />
        </fieldset>

        <fieldset>
          <legend>Sensitivity and schedule</legend>
          <div className="form-row">
            <div className="field">
              <label htmlFor="threshold">Threshold <output htmlFor="threshold">{threshold.toFixed(2)}</output></label>
              <input id="threshold" type="range" min={0} max={1} step={0.01} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} />
              <small className="hint">Scores at or above it are anomalous. 0.5 is about as rare as a 3-sigma point; default {info.defaultThreshold}.</small>
              {calibration !== null && (
                <small className="hint" data-testid="calibration-hint">
                  Scores are calibrated on each series&apos; own last {calibration.toLocaleString("en-US")} scores, so a kind of event that recurs more
                  often than about once per {calibration.toLocaleString("en-US")} points is not rare on that series and is not flagged at any
                  threshold. To alert on frequent events, set Calibration to {'{"enabled": false}'} (native scale) or use a threshold detector.
                </small>
              )}
              {errors.threshold && <small className="error" role="alert">{errors.threshold}</small>}
            </div>
            <div className="field">
              <label htmlFor="mode">Mode</label>
              <select id="mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
                <option value="STREAMING">Streaming</option>
                <option value="BATCH">Batch</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="training">Training window (hours)</label>
              <input id="training" type="number" min={1} step={1} placeholder="168" value={trainingHours} onChange={(e) => setTrainingHours(e.target.value)} />
              {errors.trainingWindowHours && <small className="error" role="alert">{errors.trainingWindowHours}</small>}
            </div>
            {info.needsTraining && (
              <div className="field">
                <label htmlFor="retrainCron">Retrain schedule</label>
                <input
                  id="retrainCron"
                  placeholder="0 3 * * *"
                  value={retrainCron}
                  onChange={(e) => setRetrainCron(e.target.value)}
                  aria-invalid={!!errors.retrainCron}
                  aria-describedby="retrainCron-hint"
                  spellCheck={false}
                  autoComplete="off"
                />
                <small className="hint" id="retrainCron-hint">cron, e.g. 0 3 * * * (daily 03:00 UTC). Empty: train on demand only.</small>
                {errors.retrainCron && <small className="error" role="alert">{errors.retrainCron}</small>}
              </div>
            )}
            <label className="checkbox field-inline">
              <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
            </label>
          </div>
          {detector && <p className="hint">Changing the algorithm, parameters or threshold restarts scoring from each series&apos; watermark; run a backfill to re-score history.</p>}
        </fieldset>

        {info.input !== "univariate" && <GroupingFields value={grouping} onChange={setGrouping} errors={errors} />}

        <fieldset>
          <legend>Series</legend>
          <SourceWatchPicker selected={sourceIds} onChange={setSourceIds} />
          {errors.sourceIds && <small className="error" role="alert">{errors.sourceIds}</small>}
          <SeriesPicker selected={series} onChange={setSeries} />
          {errors.seriesIds && <small className="error" role="alert">{errors.seriesIds}</small>}
        </fieldset>

        <div className="actions">
          {formError && <p className="error" role="alert">{formError}</p>}
          <button type="submit" disabled={saving}>{saving ? "Saving…" : detector ? "Save changes" : "Create detector"}</button>
        </div>
      </form>
      <PreviewPanel algorithm={algorithm} buildParams={buildParams} threshold={threshold} trainingWindowHours={trainingHours ? Number(trainingHours) : null} attached={series} sourceIds={sourceIds} detectorId={detector?.id} grouping={info.input === "univariate" ? null : toGrouping(grouping, series.map((s) => s.id))} onIssues={(i) => setErrors(issuesByField(i))} />
    </>
  );
}
