import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import {
  AckPolicy, type Consumer, DeliverPolicy, type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager,
  RetentionPolicy, StorageType,
} from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { BankChangeFeed, BankChangeNotice } from '../../banks/change-feed.js';

export interface NatsSettings {
  url: string;
  /** Names the stream, consumer and subjects, so several Haven deployments (or tests) can share one NATS. */
  prefix: string;
  /** How long a worker may hold a delivered item before NATS gives it to another (the job lease). */
  ackWaitMs: number;
}

/**
 * Haven's NATS link: the JetStream work-queue stream that carries items to workers, and the subject on which bank
 * changes are announced to hash-index replicas.
 *
 * The stream keeps a message until a worker acknowledges it, which workers do only after the item's results have
 * committed; a message a worker took but never acknowledged (it crashed) goes to another worker after `ackWaitMs`.
 * Publishing uses the item id as the message id, so a repeated publish within the duplicate window is dropped.
 */
export class NatsLink {
  readonly stream: string;
  readonly workSubject: string;
  readonly bankSubject: string;
  readonly consumerName: string;

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly settings: NatsSettings,
  ) {
    this.stream = `${settings.prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_WORK`;
    this.workSubject = `${settings.prefix}.work.items`;
    this.bankSubject = `${settings.prefix}.banks.changed`;
    this.consumerName = `${settings.prefix.replace(/[^A-Za-z0-9_-]/g, '_')}-workers`;
  }

  /** Connects and makes sure the stream and the shared worker consumer exist (idempotent across processes). */
  static async open(settings: NatsSettings, logger: Logger): Promise<NatsLink> {
    const connection = await connect({ servers: settings.url, name: `haven:${process.pid}`, maxReconnectAttempts: -1 });
    try {
      const link = new NatsLink(connection, jetstream(connection), await jetstreamManager(connection), settings);
      await link.ensureStream();
      void (async () => {
        for await (const s of connection.status()) {
          if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn({ nats: s.type }, `NATS ${s.type}`);
        }
      })();
      return link;
    } catch (e) {
      await connection.close();
      throw e;
    }
  }

  private async ensureStream(): Promise<void> {
    const config = {
      name: this.stream,
      subjects: [this.workSubject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(2 * 60_000),
    };
    try {
      await this.jsm.streams.info(this.stream);
    } catch {
      try {
        await this.jsm.streams.add(config);
      } catch (e) {
        // Another process created it first.
        await this.jsm.streams.info(this.stream).catch(() => { throw e; });
      }
    }
    const consumer = {
      durable_name: this.consumerName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.settings.ackWaitMs),
      // Haven's own job attempts decide when an item has failed for good; NATS must never drop it first.
      max_deliver: -1,
      max_ack_pending: 20_000,
    };
    try {
      const info = await this.jsm.consumers.info(this.stream, this.consumerName);
      // HAVEN_LEASE_MS changed since the consumer was made: the ack wait follows it (the newest process wins).
      if (info.config.ack_wait !== consumer.ack_wait) await this.jsm.consumers.update(this.stream, this.consumerName, { ack_wait: consumer.ack_wait });
    } catch {
      try {
        await this.jsm.consumers.add(this.stream, consumer);
      } catch (e) {
        await this.jsm.consumers.info(this.stream, this.consumerName).catch(() => { throw e; });
      }
    }
  }

  /** Publishes items for processing and waits until the stream has stored every one. */
  async publishItems(itemIds: readonly string[]): Promise<void> {
    for (let i = 0; i < itemIds.length; i += 256) {
      await Promise.all(itemIds.slice(i, i + 256).map((id) => this.js.publish(this.workSubject, id, { msgID: id })));
    }
  }

  /** Publishes an item again under a fresh message id (it must get past the duplicate window). */
  async republishItem(itemId: string, attempt: number): Promise<void> {
    await this.js.publish(this.workSubject, itemId, { msgID: `${itemId}:${attempt}` });
  }

  workConsumer(): Promise<Consumer> {
    return this.js.consumers.get(this.stream, this.consumerName);
  }

  /** Items waiting in the stream, not yet delivered to any worker. */
  async backlog(): Promise<{ waiting: number; inFlight: number }> {
    const info = await this.jsm.consumers.info(this.stream, this.consumerName);
    return { waiting: info.num_pending, inFlight: info.num_ack_pending };
  }

  /** Removes the stream and its consumer (tests and `haven admin`; never done by a running deployment). */
  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => false);
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}

/**
 * Bank change notices over core NATS. A notice can be missed (a worker starting up or reconnecting); it only speeds
 * replicas up, since each checks the database's bank change sequence before every batch.
 */
export class NatsBankChangeFeed implements BankChangeFeed {
  private readonly listeners = new Set<(n: BankChangeNotice) => void>();
  private subscribed = false;

  constructor(private readonly link: NatsLink, private readonly logger: Logger) {}

  announce(notice: BankChangeNotice): void {
    try {
      this.link.connection.publish(this.link.bankSubject, JSON.stringify(notice));
    } catch (e) {
      this.logger.warn({ err: e, seq: notice.seq }, 'bank change notice not published; replicas catch up at their next batch');
    }
  }

  listen(onChange: (notice: BankChangeNotice) => void): () => void {
    this.listeners.add(onChange);
    if (!this.subscribed) {
      this.subscribed = true;
      const sub = this.link.connection.subscribe(this.link.bankSubject);
      void (async () => {
        for await (const m of sub) {
          const notice = parseNotice(m.string());
          if (!notice) continue;
          for (const l of this.listeners) l(notice);
        }
      })();
    }
    return () => this.listeners.delete(onChange);
  }
}

function parseNotice(text: string): BankChangeNotice | null {
  try {
    const v = JSON.parse(text) as Partial<BankChangeNotice>;
    return typeof v.seq === 'number' && typeof v.bankId === 'string' ? (v as BankChangeNotice) : null;
  } catch {
    return null;
  }
}
