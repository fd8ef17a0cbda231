"use client";
/** Previous / Next over keyset pages: the cursors of the pages seen are kept, so Previous walks back. */
export function KeysetPager({ label, cursors, nextCursor, onChange, busy }: {
  label: string;
  cursors: (string | null)[];
  nextCursor: string | null | undefined;
  onChange: (cursors: (string | null)[]) => void;
  busy?: boolean;
}) {
  if (cursors.length <= 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" className="secondary" disabled={cursors.length <= 1} onClick={() => onChange(cursors.slice(0, -1))}>Previous</button>
      <span className="muted" role="status">Page {cursors.length}</span>
      <button type="button" className="secondary" disabled={!nextCursor || busy} onClick={() => onChange([...cursors, nextCursor ?? null])}>Next</button>
    </nav>
  );
}
