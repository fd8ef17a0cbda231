import type { ReactNode } from "react";

/**
 * A plain, accessible table with an empty state. The scrolling wrapper is focusable and named, so
 * a keyboard can scroll a wide table (axe: scrollable-region-focusable).
 */
export function DataTable<T>({
  rows,
  columns,
  empty,
  rowKey,
  caption,
  label,
}: {
  rows: T[];
  columns: { header: string; cell: (row: T) => ReactNode }[];
  empty: ReactNode;
  rowKey: (row: T) => string;
  caption?: string;
  /** Name of the scrolling region; the caption, else "Scrollable table", when absent. */
  label?: string;
}) {
  if (rows.length === 0) return <div className="empty">{empty}</div>;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label ?? caption ?? "Scrollable table"}>
      <table className="table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>{columns.map((c) => <th key={c.header} scope="col">{c.header}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>{columns.map((c) => <td key={c.header}>{c.cell(r)}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
