"use client";
/** Channels: what they send to, a "send test" that shows the receiver's answer, secret rotation, delete. */
import { useState } from "react";
import { useCan } from "@/components/use-can";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { ChannelForm } from "@/components/alerts/channel-form";
import { SecretBox } from "@/components/alerts/secret-box";
import { useChannelDeliveries, useChannels, useDeleteChannel, useRotateSecret, useTestChannel, type ChannelRow, type TestOutcome } from "@/components/alerts/use-alerts";
import { DeliveryTable } from "@/components/alerts/delivery-table";
import s from "@/components/sources/sources.module.css";

function target(c: ChannelRow): string {
  if (c.kind === "EMAIL") return `${(c.config.to as string[] | undefined)?.join(", ") ?? ""} via ${String(c.config.host ?? "")}`;
  return String(c.config.url ?? "");
}

function TestResult({ r }: { r: TestOutcome }) {
  return (
    <div role="status" aria-label="Test result" className={r.ok ? s.ok : "error"}>
      {r.ok ? "Accepted" : r.retryable ? "Failed (would be retried)" : "Refused (would not be retried)"}
      {r.status !== null && <> · {r.status}</>} · {r.latencyMs} ms{r.error && <> · {r.error}</>}
      {r.response && <pre className={s.snippet} data-testid="test-response">{r.response}</pre>}
    </div>
  );
}

/** The newest 50 deliveries of one channel. */
function ChannelDeliveries({ channel }: { channel: ChannelRow }) {
  const q = useChannelDeliveries(channel.id);
  if (q.error) return <p className="error" role="alert">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading…</p>;
  return (
    <>
      <h3>Deliveries of {channel.name}</h3>
      <DeliveryTable rows={q.data} showAnomaly label={`Deliveries of ${channel.name}`} />
    </>
  );
}

export function ChannelsPanel() {
  const canWrite = useCan("alerts:write");
  const channels = useChannels();
  const test = useTestChannel();
  const rotate = useRotateSecret();
  const remove = useDeleteChannel();
  const [tested, setTested] = useState<{ id: string; result: TestOutcome } | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [logOf, setLogOf] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <section className="panel" aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      {channels.error && <p className="error" role="alert">{channels.error.message}</p>}
      {secret && <SecretBox title={`New signing secret of ${secret.name}`} secret={secret.secret} onDone={() => setSecret(null)} />}
      {channels.data?.length === 0 && <div className="empty">No channels yet.</div>}
      {!!channels.data?.length && (
        <div className="table-scroll">
          <table className="table" aria-label="Channels">
            <thead><tr><th>Name</th><th>Kind</th><th>Sends to</th><th>Enabled</th><th>Actions</th></tr></thead>
            <tbody>
              {channels.data.map((c) => (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td>
                    {c.kind.toLowerCase()}{c.signed && <span className="badge">signed</span>}
                    {c.rateLimit && <span className="badge" title="send limit">≤ {c.rateLimit.count} per {c.rateLimit.seconds} s</span>}
                  </td>
                  <td><code>{target(c)}</code>{tested?.id === c.id && <TestResult r={tested.result} />}</td>
                  <td>{c.enabled ? "yes" : "no"}</td>
                  <td>
                    <div className={s.actions}>
                      <button type="button" className={s.secondary} aria-pressed={logOf === c.id} onClick={() => setLogOf(logOf === c.id ? null : c.id)}>Deliveries</button>
                      {canWrite && (
                        <>
                          <button type="button" className={s.secondary} aria-pressed={editing === c.id} onClick={() => setEditing(editing === c.id ? null : c.id)}>Edit</button>
                          <button type="button" disabled={test.isPending} onClick={() => test.mutateAsync(c.id).then((result) => setTested({ id: c.id, result }), () => undefined)}>Send test</button>
                          {c.kind === "WEBHOOK" && (
                            <button type="button" className={s.secondary} disabled={rotate.isPending} onClick={() => rotate.mutateAsync(c.id).then((r) => setSecret({ name: c.name, secret: r.secret }), () => undefined)}>
                              Rotate secret
                            </button>
                          )}
                          <ConfirmButton label="Delete" question={`Delete ${c.name} and its rules?`} confirmLabel="Delete channel" pending={remove.isPending} onConfirm={() => remove.mutate(c.id)} />
                        </>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {channels.data?.filter((c) => c.id === logOf).map((c) => <ChannelDeliveries key={c.id} channel={c} />)}
      {(test.error ?? rotate.error ?? remove.error) && <p className="error" role="alert">{(test.error ?? rotate.error ?? remove.error)?.message}</p>}
      {canWrite && channels.data?.filter((c) => c.id === editing).map((c) => <ChannelForm key={c.id} channel={c} onDone={() => setEditing(null)} />)}
      {canWrite && <ChannelForm />}
    </section>
  );
}
