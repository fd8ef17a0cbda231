import Link from "next/link";

/** What a role that may not use a page sees (with HTTP 403, through app/(app)/forbidden.tsx). */
export function Forbidden({ what = "this page" }: { what?: string }) {
  return (
    <section className="panel" role="alert">
      <h1>Not allowed</h1>
      <p>Your role does not give access to {what}. Ask an admin if you need it.</p>
      <p><Link href="/">Back to the overview</Link></p>
    </section>
  );
}
