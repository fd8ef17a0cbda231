/**
 * Source test for AMQP: with an exchange, a temporary exclusive queue bound like the source's
 * shows what is being published; without one, the queue's waiting messages are read and returned
 * unacknowledged (the broker requeues them when the channel closes). Nothing is consumed for good.
 */
import amqp from "amqplib";
import { IngestBatch } from "@/lib/ingest/batch";
import { ConnectorError, describeNetworkError, redactUrl } from "@/lib/connectors/errors";
import { addMessage, type TAmqpConfig } from "@/lib/connectors/message-payload";
import type { StreamSampleOptions } from "@/lib/connectors/mqtt-sample";

function describe(err: unknown, where: string): string {
  const message = (err as Error)?.message ?? "";
  if (/NOT_FOUND - no queue/.test(message)) return `queue not found: ${where}`;
  if (/NOT_FOUND - no exchange/.test(message)) return `exchange not found: ${where}`;
  if (/ACCESS_REFUSED/.test(message)) return `login refused by ${where} (check the user and password in the URL)`;
  return describeNetworkError(err, where);
}

export async function sampleAmqp(config: TAmqpConfig, opts: StreamSampleOptions = {}): Promise<IngestBatch> {
  const { firstMessageMs = 5_000, collectMs = 1_000, maxMessages = 200, connectTimeoutMs = 4_000 } = opts;
  const url = redactUrl(config.url);
  const where = `${url} ${config.exchange ? `exchange ${config.exchange}` : `queue ${config.queue}`}`;
  const conn = await amqp.connect(config.url, { timeout: connectTimeoutMs }).catch((err) => {
    throw new ConnectorError(describe(err, url));
  });
  conn.on("error", () => undefined);
  try {
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);
    let queue = config.queue;
    try {
      if (config.exchange) {
        await ch.checkExchange(config.exchange);
        queue = (await ch.assertQueue("", { exclusive: true, autoDelete: true })).queue;
        await ch.bindQueue(queue, config.exchange, config.bindingKey ?? "#");
      } else {
        await ch.checkQueue(queue);
      }
    } catch (err) {
      throw new ConnectorError(describe(err, where));
    }
    const batch = new IngestBatch();
    let count = 0;
    const start = Date.now();
    let firstAt = 0;
    while (count < maxMessages) {
      const msg = await ch.get(queue, { noAck: false });
      if (msg) {
        const t = msg.properties.timestamp as unknown;
        addMessage(batch, config.mapping, { what: "routing key", name: msg.fields.routingKey, separator: "." }, msg.content, typeof t === "number" && t > 0 ? t * 1000 : Date.now());
        if (++count === 1) firstAt = Date.now();
        continue;
      }
      if (count === 0 ? Date.now() - start > firstMessageMs : Date.now() - firstAt > collectMs) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (count === 0) throw new ConnectorError(`no message within ${firstMessageMs / 1000} s (${where})`);
    return batch;
  } finally {
    // Closing returns every message read above to the queue.
    await conn.close().catch(() => undefined);
  }
}
