"use client";
import { useId } from "react";
import type { ConfigField } from "@/components/sources/config-fields";
import s from "@/components/sources/sources.module.css";

/** One config field with its help text and the API's message for it. */
/** Uncontrolled, so what is typed before hydration is kept; the form reads values on submit. */
export function ConfigFieldInput({ name, field, defaultValue, error }: { name: string; field: Pick<ConfigField, "label" | "type" | "options" | "placeholder" | "help">; defaultValue: string; error?: string }) {
  const id = useId();
  const common = { id, name, defaultValue, "aria-invalid": !!error, "aria-describedby": `${id}-note`, className: error ? s.invalid : undefined };
  return (
    <div className={s.field}>
      <label htmlFor={id}>{field.label}</label>
      {field.type === "select" ? (
        <select {...common}>
          {field.options?.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : (
        <input {...common} inputMode={field.type === "number" ? "numeric" : undefined} placeholder={field.placeholder} />
      )}
      <span id={`${id}-note`} className={error ? s.fieldError : s.help}>{error ?? field.help ?? ""}</span>
    </div>
  );
}
