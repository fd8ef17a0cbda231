"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export function SetupForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const router = useRouter();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (form.get("password") !== form.get("confirm")) {
      setError("The two passwords differ.");
      return;
    }
    setPending(true);
    setError(null);
    const res = await fetch("/api/v1/setup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: form.get("email"), name: form.get("name") || undefined, password: form.get("password") }),
    });
    setPending(false);
    if (res.ok) {
      router.push("/signin");
      return;
    }
    const body = await res.json().catch(() => null);
    setError(body?.error?.message ?? `Setup failed (${res.status})`);
  }

  return (
    <form className="panel auth-form" onSubmit={onSubmit} aria-label="Create the first admin">
      <h1>Welcome to Vigil</h1>
      <p className="muted">Create the first admin account. It can then invite analysts and operators.</p>
      <label>
        Name
        <input name="name" autoComplete="name" />
      </label>
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password (12 characters or more)
        <input name="password" type="password" minLength={12} autoComplete="new-password" required />
      </label>
      <label>
        Repeat password
        <input name="confirm" type="password" minLength={12} autoComplete="new-password" required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={pending}>{pending ? "Creating…" : "Create admin"}</button>
    </form>
  );
}
