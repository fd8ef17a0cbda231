/**
 * The API reference, rendered on the server from the same OpenAPI document /api/v1/openapi.json
 * serves: per area, each operation's method, path, summary, who may call it, parameters, and the
 * request and response schemas as indented JSON. No script, nothing fetched at run time.
 */
import type { OpenApiDocument } from "@/lib/openapi/document";
import "@/components/api-docs/api-docs.css";

interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}
interface Op {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  parameters?: Param[];
  requestBody?: { description?: string; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface Row {
  method: string;
  path: string;
  op: Op;
}

const json = (v: unknown) => JSON.stringify(v, null, 2);

function typeText(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return s.enum.join(" | ");
  if (Array.isArray(s.anyOf)) return (s.anyOf as Record<string, unknown>[]).map(typeText).join(" or ");
  if (s.type === "array") {
    const item = typeText((s.items ?? {}) as Record<string, unknown>);
    return `${item.includes(" ") ? `(${item})` : item}[], repeatable`;
  }
  return typeof s.type === "string" ? s.type : "any";
}

/** The descriptions' `backticks` as code. */
const withCode = (text: string) => text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part));

function SchemaBlock({ label, media, schema }: { label: string; media: string; schema: unknown }) {
  return (
    <details className="api-schema">
      <summary>
        {label} <span className="muted">({media})</span>
      </summary>
      <pre tabIndex={0} aria-label={`${label} schema`}>
        {json(schema)}
      </pre>
    </details>
  );
}

function Operation({ row }: { row: Row }) {
  const { op } = row;
  const success = Object.entries(op.responses).find(([code]) => code.startsWith("2"));
  const errors = Object.keys(op.responses).filter((code) => !code.startsWith("2"));
  return (
    <article className="api-op" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h3 id={`${op.operationId}-title`}>
        <span className={`api-method api-${row.method}`}>{row.method.toUpperCase()}</span> <code>{row.path}</code>
      </h3>
      <p>{op.summary}</p>
      <p className="muted">{withCode(op.description)}</p>
      {op.parameters?.length ? (
        <div className="table-scroll">
          <table className="table api-params">
            <caption>Parameters</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">In</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
              </tr>
            </thead>
            <tbody>
              {op.parameters.map((p) => (
                <tr key={`${p.in}-${p.name}`}>
                  <td><code>{p.name}</code></td>
                  <td>{p.in}</td>
                  <td>{typeText(p.schema)}{p.schema.default !== undefined ? ` (default ${json(p.schema.default)})` : ""}</td>
                  <td>{p.required ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {op.requestBody
        ? Object.entries(op.requestBody.content).map(([media, c]) => <SchemaBlock key={media} label="Request body" media={media} schema={c.schema} />)
        : null}
      {success ? (
        success[1].content ? (
          Object.entries(success[1].content).map(([media, c]) => <SchemaBlock key={media} label={`Response ${success[0]}`} media={media} schema={c.schema} />)
        ) : (
          <p className="muted">Response {success[0]}: {success[1].description}</p>
        )
      ) : null}
      {errors.length ? <p className="muted">Errors: {errors.join(", ")} as <code>{"{ error: { code, message, issues? } }"}</code></p> : null}
    </article>
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const rows: Row[] = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op: op as Op })));
  const tags = [...new Set(rows.map((r) => r.op.tags[0]))];
  return (
    <>
      <nav aria-label="API areas" className="api-toc">
        <ul>
          {tags.map((t) => (
            <li key={t}><a href={`#area-${t}`}>{t}</a></li>
          ))}
        </ul>
      </nav>
      {tags.map((t) => (
        <section key={t} aria-labelledby={`area-${t}`} className="api-area">
          <h2 id={`area-${t}`}>{t}</h2>
          {rows.filter((r) => r.op.tags[0] === t).map((r) => <Operation key={r.op.operationId} row={r} />)}
        </section>
      ))}
    </>
  );
}
