/**
 * Source test for NATS JetStream: reads the stream's latest messages (and waits briefly for new
 * ones) through an ordered consumer, which leaves no durable state and acknowledges nothing, so
 * the source's own durable consumer is not disturbed.
 */
import { connect } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { IngestBatch } from "@/lib/ingest/batch";
import { ConnectorError, describeNetworkError, redactUrl } from "@/lib/connectors/errors";
import { addMessage, type TNatsConfig } from "@/lib/connectors/message-payload";
import type { StreamSampleOptions } from "@/lib/connectors/mqtt-sample";

export async function sampleNats(config: TNatsConfig, opts: StreamSampleOptions = {}): Promise<IngestBatch> {
  const { firstMessageMs = 5_000, collectMs = 1_000, maxMessages = 200, connectTimeoutMs = 4_000 } = opts;
  const url = redactUrl(config.servers);
  const where = `${url} stream ${config.stream}`;
  const nc = await connect({ servers: config.servers, timeout: connectTimeoutMs, maxReconnectAttempts: 0, reconnect: false }).catch((err) => {
    throw new ConnectorError(describeNetworkError(err, url));
  });
  try {
    const jsm = await jetstreamManager(nc, { timeout: connectTimeoutMs }).catch(() => {
      throw new ConnectorError(`JetStream is not enabled at ${url}`);
    });
    const info = await jsm.streams.info(config.stream).catch((err: Error) => {
      throw new ConnectorError(/stream not found/i.test(err.message) ? `stream not found: ${where}` : `${err.message} (${where})`);
    });
    const startSeq = Math.max(info.state.first_seq, info.state.last_seq - maxMessages + 1, 1);
    const consumer = await jetstream(nc).consumers.get(config.stream, {
      ...(config.subject ? { filter_subjects: config.subject } : {}),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: startSeq,
    });
    const batch = new IngestBatch();
    const messages = await consumer.consume({ max_messages: maxMessages });
    let count = 0;
    let collectTimer: NodeJS.Timeout | undefined;
    const firstTimer = setTimeout(() => void messages.close(), firstMessageMs);
    try {
      for await (const m of messages) {
        addMessage(batch, config.mapping, { what: "subject", name: m.subject, separator: "." }, m.data, Number(m.timestampNanos / 1_000_000n));
        if (++count === 1) {
          clearTimeout(firstTimer);
          collectTimer = setTimeout(() => void messages.close(), collectMs);
        }
        if (count >= maxMessages) break;
      }
    } finally {
      clearTimeout(firstTimer);
      clearTimeout(collectTimer);
      await messages.close().catch(() => undefined);
    }
    if (count === 0) throw new ConnectorError(`no message on ${config.subject ? `subject ${config.subject}` : "any subject"} within ${firstMessageMs / 1000} s (${where})`);
    return batch;
  } finally {
    await nc.close().catch(() => undefined);
  }
}
