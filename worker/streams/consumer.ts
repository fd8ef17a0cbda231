/** What the stream manager needs of each kind's consumer (MQTT, NATS JetStream, AMQP). */
export interface ConsumerOptions {
  flushMs: number;
  maxBuffer: number;
  reconnectMs: number;
  /** NATS: how long the server waits for an ack before redelivering (set when the durable is created). */
  ackWaitMs: number;
}

export interface StreamConsumer {
  /** The source config it runs; a changed config replaces the consumer. */
  readonly fingerprint: string;
  /** Points written since it started. */
  readonly written: number;
  /** Stops taking messages, stores (and acknowledges) what it holds, and disconnects. */
  close(): Promise<void>;
}
