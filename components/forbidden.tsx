export function Forbidden({ what }: { what: string }) {
  return (
    <section className="panel" role="alert">
      <h1>Not allowed</h1>
      <p>Your role does not give access to {what}. Ask an admin if you need it.</p>
    </section>
  );
}
