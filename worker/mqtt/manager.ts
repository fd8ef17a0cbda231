/**
 * The worker's MQTT side: one subscription per runnable MQTT source, re-synced with the database
 * every ~30 s (new, changed, paused and deleted sources), closed cleanly on shutdown.
 */
import type { Logger } from "pino";
import { parseSourceConfig } from "@/lib/ingest/source-config";
import { listRunnableSources, markSourceHealth } from "@/lib/connectors/queries";
import type { TMqttConfig } from "@/lib/connectors/mqtt-payload";
import { MqttSubscription, type SubscriptionOptions } from "@/worker/mqtt/subscription";

export interface MqttManagerOptions extends SubscriptionOptions {
  syncMs: number;
}

const DEFAULTS: MqttManagerOptions = { flushMs: 1_000, maxBuffer: 1_000, reconnectMs: 5_000, syncMs: 30_000 };

export class MqttManager {
  private readonly subs = new Map<string, MqttSubscription>();
  private readonly opts: MqttManagerOptions;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly log: Logger,
    opts: Partial<MqttManagerOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.opts.syncMs);
  }

  get size(): number {
    return this.subs.size;
  }

  subscription(sourceId: string): MqttSubscription | undefined {
    return this.subs.get(sourceId);
  }

  /** Brings the subscriptions in line with the database; syncs never overlap. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch((err) => this.log.error({ err }, "mqtt source sync failed"));
    return this.syncing;
  }

  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    const sources = await listRunnableSources(["MQTT"]);
    const seen = new Set<string>();
    for (const s of sources) {
      seen.add(s.id);
      const fingerprint = JSON.stringify(s.config);
      const current = this.subs.get(s.id);
      if (current?.fingerprint === fingerprint) continue;
      if (current) await current.close();
      let config: TMqttConfig;
      try {
        config = parseSourceConfig("MQTT", s.config) as TMqttConfig;
      } catch (err) {
        this.subs.delete(s.id);
        await markSourceHealth(s.id, `invalid MQTT config: ${(err as Error).message}`);
        continue;
      }
      this.subs.set(s.id, new MqttSubscription(s.id, config, fingerprint, this.opts, this.log));
    }
    for (const [id, sub] of this.subs) {
      if (seen.has(id)) continue;
      this.subs.delete(id);
      await sub.close();
      this.log.info({ sourceId: id }, "mqtt source stopped");
    }
  }

  /** Idempotent: stops syncing, flushes and disconnects every subscription. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await Promise.allSettled([...this.subs.values()].map((s) => s.close()));
    this.subs.clear();
  }
}
