/**
 * Queue backend selection, in one place: REDIS_URL set -> BullMQ on Redis (ioredis); unset ->
 * BullMQ's PostgreSQL backend on Vigil's own database. Same Queue/Worker API either way.
 */
import { Queue, Worker, createPostgresBackend, withBackend, type Processor, type WorkerOptions } from "bullmq";
import { Redis } from "ioredis";
import { DEFAULT_JOB_OPTIONS, type QueueName } from "@/lib/queue/contract";

export type QueueBackendKind = "redis" | "postgres";

export interface QueueBackendConfig {
  redisUrl?: string;
  databaseUrl: string;
  /** Key prefix on Redis; schema name on PostgreSQL. */
  prefix: string;
}

export interface QueueBackend {
  kind: QueueBackendKind;
  queue(name: QueueName): Queue;
  worker(name: QueueName, processor: Processor, opts?: Partial<WorkerOptions>): Worker;
  /** Closes every queue this backend opened (workers are closed by their owner). */
  close(): Promise<void>;
}

type AnyOpts = Record<string, unknown>;

export function createQueueBackend(config: QueueBackendConfig, onError: (e: Error) => void): QueueBackend {
  const queues = new Map<QueueName, Queue>();
  const redisClients: Redis[] = [];

  let makeQueue: (name: QueueName) => Queue;
  let makeWorker: (name: QueueName, p: Processor, o: AnyOpts) => Worker;
  let kind: QueueBackendKind;

  if (config.redisUrl) {
    kind = "redis";
    // Producers fail fast when Redis is down instead of buffering commands in memory.
    const producer = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    producer.on("error", onError);
    redisClients.push(producer);
    makeQueue = (name) => new Queue(name, { connection: producer, prefix: config.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    makeWorker = (name, p, o) => {
      const connection = new Redis(config.redisUrl!, { maxRetriesPerRequest: null });
      connection.on("error", onError);
      redisClients.push(connection);
      return new Worker(name, p, { connection, prefix: config.prefix, ...o });
    };
  } else {
    kind = "postgres";
    const pgClasses = withBackend(createPostgresBackend);
    const connection = () => ({
      connectionString: config.databaseUrl,
      schema: `${config.prefix}_queue`,
      migrate: true,
      max: 4,
    });
    makeQueue = (name) =>
      new pgClasses.Queue(name, { connection: connection(), defaultJobOptions: DEFAULT_JOB_OPTIONS }) as unknown as Queue;
    makeWorker = (name, p, o) => new pgClasses.Worker(name, p, { connection: connection(), ...o }) as unknown as Worker;
  }

  return {
    kind,
    queue(name) {
      let q = queues.get(name);
      if (!q) {
        q = makeQueue(name);
        q.on("error", onError);
        queues.set(name, q);
      }
      return q;
    },
    worker(name, processor, opts = {}) {
      const w = makeWorker(name, processor, opts as AnyOpts);
      w.on("error", onError);
      return w;
    },
    async close() {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      queues.clear();
      await Promise.allSettled(redisClients.map((c) => c.quit()));
      redisClients.length = 0;
    },
  };
}
