"use client";
/** Inputs rendered from an algorithm's params JSON schema (via `toFormFields`). */
import type { FormField, FormValues } from "@/lib/detectors/form-fields";

export function ParamsFields({
  fields,
  values,
  errors,
  onChange,
}: {
  fields: FormField[];
  values: FormValues;
  errors: Record<string, string>;
  onChange: (name: string, value: string | boolean) => void;
}) {
  if (fields.length === 0) return <p className="muted">This algorithm has no parameters.</p>;
  return (
    <div className="param-grid">
      {fields.map((f) => {
        const id = `param-${f.name}`;
        const error = errors[`params.${f.name}`];
        const hint = [f.description, f.defaultValue !== undefined && f.kind !== "json" ? `Default: ${f.defaultValue === null ? "none" : String(f.defaultValue)}` : null]
          .filter(Boolean)
          .join(". ");
        const common = { id, "aria-invalid": !!error, "aria-describedby": `${id}-hint` };
        const v = values[f.name];
        return (
          <div key={f.name} className={`field${f.kind === "json" ? " field-wide" : ""}`}>
            {f.kind === "boolean" ? (
              <label className="checkbox" htmlFor={id}>
                <input {...common} type="checkbox" checked={v === true} onChange={(e) => onChange(f.name, e.target.checked)} />
                {f.label}
              </label>
            ) : (
              <label htmlFor={id}>{f.label}</label>
            )}
            {f.kind === "enum" && (
              <select {...common} value={String(v ?? "")} onChange={(e) => onChange(f.name, e.target.value)}>
                {f.options!.map((o) => <option key={o} value={o}>{o}</option>)}
              </select>
            )}
            {(f.kind === "number" || f.kind === "integer") && (
              <input
                {...common}
                type="number"
                inputMode="decimal"
                step={f.kind === "integer" ? 1 : "any"}
                min={f.min}
                max={f.max}
                placeholder={f.nullable ? "none" : undefined}
                value={String(v ?? "")}
                onChange={(e) => onChange(f.name, e.target.value)}
              />
            )}
            {f.kind === "string" && <input {...common} value={String(v ?? "")} onChange={(e) => onChange(f.name, e.target.value)} />}
            {f.kind === "json" && <textarea {...common} rows={6} spellCheck={false} value={String(v ?? "")} onChange={(e) => onChange(f.name, e.target.value)} />}
            <small id={`${id}-hint`} className="hint">{hint}</small>
            {error && <small className="error" role="alert">{error}</small>}
          </div>
        );
      })}
    </div>
  );
}
