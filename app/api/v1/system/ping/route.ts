import { randomUUID } from "node:crypto";
import { NextResponse } from "next/server";
import { withAuth } from "@/lib/server/api/with-auth";
import { getQueueBackend } from "@/lib/server/queue";
import { enqueue } from "@/lib/queue/enqueue";
import { AppError } from "@/lib/server/api/errors";

/** Sends a ping through the queue and waits for a worker to answer: proves web -> queue -> worker. */
export const POST = withAuth(
  async () => {
    const backend = await getQueueBackend();
    const started = Date.now();
    const id = await enqueue(backend, "system.ping", { requestId: randomUUID(), sentAt: started });
    const deadline = started + 10_000;
    while (Date.now() < deadline) {
      const job = await backend.queue("system").getJob(id);
      if (job && (await job.getState()) === "completed") {
        return NextResponse.json({ ok: true, backend: backend.kind, jobId: id, roundTripMs: Date.now() - started, worker: job.returnvalue });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new AppError("unavailable", "No worker answered within 10 s: is the worker running?");
  },
  { permission: "system:ping" },
);
