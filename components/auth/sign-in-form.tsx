"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(e.currentTarget);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    setPending(false);
    if (res?.ok && !res.error) {
      window.location.assign(callbackUrl);
      return;
    }
    setError(res?.error === "RateLimited" ? "Too many failed attempts. Wait 15 minutes and try again." : "Wrong e-mail or password.");
  }

  return (
    <form className="panel auth-form" onSubmit={onSubmit} aria-label="Sign in">
      <h1>Sign in to Vigil</h1>
      <label>
        E-mail
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in"}</button>
    </form>
  );
}
