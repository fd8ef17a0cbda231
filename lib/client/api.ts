/** Browser-side fetch helper: throws an Error carrying the server's message on non-2xx. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export async function apiFetch<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body?.error?.message ?? `Request failed (${res.status})`, body?.error?.issues);
  return body as T;
}

/** The field messages of a failed request at `path` or below it (`config` covers `config.url`), joined; "" when none. */
export function fieldErrorOf(error: unknown, path: string): string {
  const issues = error instanceof ApiError ? error.issues ?? [] : [];
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message).join("; ");
}

/** Whether a failed request carries field messages (shown beside the fields rather than as one message). */
export function hasFieldErrors(error: unknown): boolean {
  return error instanceof ApiError && !!error.issues?.length;
}
