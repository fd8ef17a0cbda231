"use client";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

/** next-auth hands back the error code lib/auth/options.ts threw; never an internal message. */
const SIGN_IN_MESSAGES: Record<string, string> = {
  RateLimited: "Too many failed attempts from here. Wait 15 minutes and try again.",
  DatabaseUnavailable: "Vigil cannot reach its database right now. Try again in a few seconds.",
  SignInFailed: "Signing in failed on the server. Try again; if it keeps failing, tell your administrator.",
};

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
    setError(SIGN_IN_MESSAGES[res?.error ?? ""] ?? "Wrong e-mail or password.");
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
