"use client";
import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ApiError } from "@/lib/client/api";
import { SOURCE_KINDS, type TSourceKind } from "@/lib/ingest/source-config";
import { CONFIG_FIELDS, KIND_HELP, KIND_LABELS, configToForm, emptyForm, formToConfig, issuesByField } from "@/components/sources/config-fields";
import { ConfigFieldInput } from "@/components/sources/config-field-input";
import { TestResultView } from "@/components/sources/test-result";
import { useCreateSource, useTestSource, useUpdateSource, type SourceRow } from "@/components/sources/use-sources";
import s from "@/components/sources/sources.module.css";

/** Empty keeps points forever (null); anything else goes as typed so the API's message names the field. */
function parseRetention(raw: string): number | string | null {
  const t = raw.trim();
  if (t === "") return null;
  return Number.isFinite(Number(t)) ? Number(t) : t;
}

/** New source (pick a kind, then its config) or edit an existing one (the kind is fixed). */
export function SourceForm({ source }: { source?: SourceRow }) {
  const router = useRouter();
  const [kind, setKind] = useState<TSourceKind>(source?.kind ?? "HTTP_PUSH");
  const formRef = useRef<HTMLFormElement>(null);
  const defaults = source ? configToForm(source.kind, source.config) : emptyForm(kind);
  const create = useCreateSource();
  const update = useUpdateSource(source?.id ?? "");
  const test = useTestSource();
  const fields = CONFIG_FIELDS[kind];
  const saveError = source ? update.error : create.error;
  const issues = [saveError, test.error].find((e): e is ApiError => e instanceof ApiError && !!e.issues)?.issues;
  const byField = issuesByField(issues, [...fields.map((f) => f.path), "retentionDays"]);
  const otherError = saveError && !(saveError instanceof ApiError && saveError.issues) ? saveError.message : (byField[""] ?? null);

  function pickKind(k: TSourceKind) {
    setKind(k);
    create.reset();
    test.reset();
  }

  function read(): { name: string; config: Record<string, unknown>; retentionDays: number | string | null } {
    const f = new FormData(formRef.current ?? undefined);
    const values = Object.fromEntries(fields.map((x) => [x.path, String(f.get(`config.${x.path}`) ?? "")]));
    return { name: String(f.get("name") ?? ""), config: formToConfig(kind, values), retentionDays: parseRetention(String(f.get("retentionDays") ?? "")) };
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    test.reset();
    const { name, config, retentionDays } = read();
    try {
      // Kinds without settings keep whatever their config holds (e.g. the seed's provenance note).
      const saved = source
        ? await update.mutateAsync(fields.length ? { name, config, retentionDays } : { name, retentionDays })
        : await create.mutateAsync({ name, kind, config, retentionDays });
      router.push(`/sources/${saved.id}`);
      router.refresh();
    } catch {
      // Shown from the mutation's error below.
    }
  }

  return (
    <form ref={formRef} className={`panel ${s.form}`} onSubmit={onSubmit} aria-label={source ? "Edit source" : "New source"} noValidate>
      {source ? (
        <p className="muted">Kind: <strong>{KIND_LABELS[kind]}</strong> (cannot change)</p>
      ) : (
        <fieldset className={s.kinds}>
          <legend>Kind</legend>
          {SOURCE_KINDS.map((k) => (
            <label key={k} className={s.kind}>
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => pickKind(k)} />
              <span>
                {KIND_LABELS[k]}
                <small>{KIND_HELP[k]}</small>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <ConfigFieldInput name="name" field={{ label: "Name", type: "text" }} defaultValue={source?.name ?? ""} error={byField.name} />
      {fields.map((f) => (
        <ConfigFieldInput
          key={`${kind}:${f.path}`}
          field={f}
          name={`config.${f.path}`}
          defaultValue={defaults[f.path] ?? ""}
          error={byField[f.path]}
        />
      ))}
      <ConfigFieldInput
        name="retentionDays"
        field={{ label: "Keep points for (days)", type: "number", placeholder: "forever", help: "optional; older points are deleted, anomalies are kept" }}
        defaultValue={source?.retentionDays ? String(source.retentionDays) : ""}
        error={byField.retentionDays}
      />
      {otherError && <p className="error" role="alert">{otherError}</p>}
      {test.data && <TestResultView result={test.data} />}
      {test.error && !(test.error instanceof ApiError && test.error.issues) && <p className="error" role="alert">{test.error.message}</p>}
      <div className={s.actions}>
        {fields.length > 0 && (
          <button type="button" className={s.secondary} disabled={test.isPending} onClick={() => test.mutate({ kind, config: read().config, sourceId: source?.id })}>
            {test.isPending ? "Testing…" : "Test connection"}
          </button>
        )}
        <button type="submit" disabled={create.isPending || update.isPending}>
          {source ? "Save changes" : "Create source"}
        </button>
      </div>
    </form>
  );
}
