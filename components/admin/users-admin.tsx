"use client";
import { useState, type FormEvent } from "react";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/auth/permissions";
import { useCreateUser, useEndSessions, useUpdateUser, useUsers } from "@/components/admin/use-users";

export function UsersAdmin({ currentUserId }: { currentUserId: string }) {
  const users = useUsers();
  const create = useCreateUser();
  const update = useUpdateUser();
  const endSessions = useEndSessions();
  const [formKey, setFormKey] = useState(0);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    await create
      .mutateAsync({
        email: String(f.get("email")),
        name: String(f.get("name") || "") || undefined,
        password: String(f.get("password")),
        role: String(f.get("role")) as RoleName,
      })
      .then(() => setFormKey((k) => k + 1))
      .catch(() => undefined);
  }

  return (
    <section className="panel">
      <h2>Users</h2>
      {users.isLoading && <p>Loading…</p>}
      {users.error && <p className="error" role="alert">{users.error.message}</p>}
      {update.error && <p className="error" role="alert">{update.error.message}</p>}
      {users.data && (
        <table className="table" aria-label="Users">
          <thead>
            <tr><th>E-mail</th><th>Name</th><th>Role</th><th>Status</th></tr>
          </thead>
          <tbody>
            {users.data.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.name ?? "—"}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={update.isPending}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as RoleName })}
                  >
                    {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                  </select>
                </td>
                <td>
                  {u.id === currentUserId ? (
                    "you"
                  ) : (
                    <>
                      <button type="button" className="link" onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>
                        {u.disabled ? "Enable" : "Disable"}
                      </button>{" "}
                      <button type="button" className="link" disabled={endSessions.isPending} onClick={() => endSessions.mutate(u.id)}>
                        {endSessions.isSuccess && endSessions.variables === u.id ? "Signed out" : "Sign out everywhere"}
                      </button>
                    </>
                  )}
                  {u.disabled && <span className="badge status-paused">disabled</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form key={formKey} className="inline-form" onSubmit={onCreate} aria-label="Add user">
        <h3>Add a user</h3>
        <input name="email" type="email" placeholder="e-mail" aria-label="E-mail" required />
        <input name="name" placeholder="name" aria-label="Name" />
        <input name="password" type="password" placeholder="initial password (12+)" aria-label="Initial password" minLength={12} required />
        <select name="role" aria-label="Role" defaultValue="OPERATOR">
          {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
        </select>
        <button type="submit" disabled={create.isPending}>Add user</button>
        {create.error && <p className="error" role="alert">{create.error.message}</p>}
      </form>
    </section>
  );
}
