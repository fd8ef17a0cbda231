import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { getQueueBackend } from "@/lib/server/queue";
import { enqueue } from "@/lib/queue/enqueue";
import { waitForJob } from "@/lib/queue/wait";
import { AppError } from "@/lib/server/api/errors";

/** Sends a ping through the queue and waits for a worker to answer: proves web -> queue -> worker. */
export const POST = withAuth(
  async () => {
    const backend = await getQueueBackend();
    const started = Date.now();
    const id = await enqueue(backend, "system.ping", { requestId: randomUUID(), sentAt: started });
    const done = await waitForJob(backend, "system", id, 10_000);
    if (done) return NextResponse.json({ ok: true, backend: backend.kind, jobId: id, roundTripMs: Date.now() - started, worker: done.returnvalue });
    throw new AppError("unavailable", "No worker answered within 10 s: is the worker running?");
  },
  { permission: "system:ping" },
);
