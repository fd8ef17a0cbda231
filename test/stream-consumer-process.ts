/**
 * A stand-alone stream consumer for the kill tests: the worker's StreamManager for one source kind
 * against DATABASE_URL, in its own process so a test can SIGKILL it mid-stream.
 * Env: DATABASE_URL, STREAM_KIND (MQTT | NATS | AMQP), MAX_BUFFER, ACK_WAIT_MS.
 * Started with an IPC channel (test/stream-consumers.ts): it exits when its parent goes away.
 */
import pino from "pino";
import { StreamManager, STREAM_KINDS } from "@/worker/streams/manager";

// The test worker that started us is gone (it ended, failed or was killed): so are we.
if (!process.send) throw new Error("start this process through test/stream-consumers.ts (it needs the IPC channel)");
process.on("disconnect", () => process.exit(1));

const kind = STREAM_KINDS.find((k) => k === process.env.STREAM_KIND);
if (!kind) throw new Error(`STREAM_KIND must be one of ${STREAM_KINDS.join(", ")}`);
const manager = new StreamManager(
  pino({ level: "warn" }),
  { flushMs: 100, maxBuffer: Number(process.env.MAX_BUFFER ?? 50), ackWaitMs: Number(process.env.ACK_WAIT_MS ?? 120_000), syncMs: 60_000 },
  [kind],
);
await manager.start();
process.stdout.write("started\n");
