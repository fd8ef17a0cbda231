"use client";
/** Who did what and when (people and the pipeline), and the comments with a form to add one. */
import { useState } from "react";
import { describeActivity, whoDid } from "@/lib/anomalies/activity";
import { formatDateTime } from "@/components/format";
import { useCan } from "@/components/use-can";
import { useAddComment, useAnomalyActivity, useAnomalyComments } from "@/components/anomalies/use-anomalies";

export function AnomalyHistory({ id }: { id: string }) {
  const activity = useAnomalyActivity(id);
  if (activity.error) return <p className="error" role="alert">{activity.error.message}</p>;
  const items = activity.data?.items ?? [];
  if (!activity.data) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">No changes yet.</p>;
  return (
    <ol className="history" aria-label="History">
      {items.map((a) => (
        <li key={a.id}>
          <time dateTime={a.createdAt}>{formatDateTime(a.createdAt)}</time>
          <span><strong>{whoDid(a)}</strong> {describeActivity(a)}</span>
        </li>
      ))}
    </ol>
  );
}

export function AnomalyComments({ id }: { id: string }) {
  const comments = useAnomalyComments(id);
  const add = useAddComment(id);
  const canComment = useCan("anomalies:comment");
  const [body, setBody] = useState("");
  const items = comments.data?.items ?? [];
  return (
    <>
      {items.length === 0 ? <p className="muted">No comments yet.</p> : (
        <ol className="history" aria-label="Comments">
          {items.map((c) => (
            <li key={c.id}>
              <time dateTime={c.createdAt}>{formatDateTime(c.createdAt)}</time>
              <span><strong>{c.user.email}</strong>: {c.body}</span>
            </li>
          ))}
        </ol>
      )}
      {canComment && (
        <form className="comment-form" onSubmit={(e) => { e.preventDefault(); if (body.trim()) add.mutate(body, { onSuccess: () => setBody("") }); }}>
          <label htmlFor="comment-body">Add a comment</label>
          <textarea id="comment-body" value={body} onChange={(e) => setBody(e.target.value)} maxLength={10_000} />
          {add.error && <p className="error" role="alert">{add.error.message}</p>}
          <div><button type="submit" disabled={add.isPending || !body.trim()}>Comment</button></div>
        </form>
      )}
    </>
  );
}
