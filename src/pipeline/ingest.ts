import type { AccountId, ItemId, MediaId } from '../core/ids.js';
import { type ItemInput, toEpochMs } from '../core/item-input.js';
import type { Clock } from '../core/clock.js';
import type { Item, ItemKind, MediaPart } from '../core/types.js';
import { seal, type KeyProvider } from '../enforcement/media-vault.js';
import { contentDigest, digests } from '../hashing/digests.js';
import { MediaError, probeMedia } from '../hashing/media.js';
import { type PerceptualHashes, perceptualHashes } from '../hashing/perceptual.js';
import type { Store } from '../store/db.js';
import { newId } from '../store/ids.js';
import { upsertAccounts } from '../store/repos/accounts.js';
import { appendEvents, type NewEvent } from '../store/repos/events.js';
import { findItemIdsByContent, insertItems } from '../store/repos/items.js';
import { enqueueJobs } from '../store/repos/jobs.js';
import { existingBlobs, putBlob } from '../store/repos/media-blobs.js';
import type { WorkDispatch } from './transport/dispatch.js';

export { MediaError };

/** An item whose media has been decoded, checked and hashed, ready to be written. */
export interface PreparedItem {
  input: ItemInput;
  digest: string;
  kind: ItemKind;
  media: (Omit<MediaPart, 'id' | 'stored'> & { data: Buffer })[];
}

export interface IngestResult {
  itemId: ItemId;
  externalId: string;
  duplicate: boolean;
}

export interface IngestOptions {
  maxImagePixels: number;
  /** Keep digests only, never the media bytes. */
  hashOnly: boolean;
  keys: KeyProvider | null;
  clock: Clock;
  version: string;
  /** Hands committed items to the workers in distributed mode; in embedded mode workers read the jobs table. */
  dispatch?: WorkDispatch | null;
}

/**
 * Ingest is idempotent: an item with the same external id and content digest is the same item and is not
 * processed twice. A new item is written with its event and its processing job in one transaction.
 */
export class Ingestor {
  constructor(private readonly store: Store, private readonly opts: IngestOptions) {}

  /** Decodes and hashes media. Throws MediaError (naming the part) for anything that is not a sound image or video. */
  async prepare(input: ItemInput): Promise<PreparedItem> {
    const media: PreparedItem['media'] = [];
    for (const [index, part] of (input.media ?? []).entries()) {
      const data = Buffer.from(part.data, 'base64');
      let probed: Awaited<ReturnType<typeof probeMedia>>;
      let hashes: PerceptualHashes;
      try {
        probed = await probeMedia(data, this.opts.maxImagePixels, { decodeCheck: false });
        hashes = await perceptualHashes(data, probed, this.opts.maxImagePixels);
      } catch (e) {
        throw new MediaError(`media[${index}]: ${(e as Error).message}`);
      }
      media.push({ index, mime: probed.mime, bytes: data.length, ...digests(data), width: probed.width, height: probed.height, ...hashes, data });
    }
    const kind = input.kind ?? inferKind(Boolean(input.text), media.map((m) => m.mime));
    return { input, digest: contentDigest(input.text, media.map((m) => m.sha256)), kind, media };
  }

  async ingest(prepared: readonly PreparedItem[], actor: string): Promise<IngestResult[]> {
    const results = await this.commit(prepared, actor);
    await this.opts.dispatch?.dispatch(results.filter((r) => !r.duplicate).map((r) => r.itemId));
    return results;
  }

  /**
   * A client's retry can race its still-running original (it timed out, or retried through another API process).
   * On Postgres both transactions miss the item in the lookup and the second insert fails on the unique index once
   * the first commits; the whole commit is then tried again, finds the item and answers duplicate. (SQLite
   * transactions take the write lock up front and never race.)
   */
  private async commit(prepared: readonly PreparedItem[], actor: string): Promise<IngestResult[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.commitOnce(prepared, actor);
      } catch (e) {
        if (attempt > RACE_RETRIES || !lostItemRace(e)) throw e;
      }
    }
  }

  private async commitOnce(prepared: readonly PreparedItem[], actor: string): Promise<IngestResult[]> {
    const now = this.opts.clock.now();
    return this.store.db.transaction().execute(async (trx) => {
      const results: IngestResult[] = [];
      const accounts = await upsertAccounts(
        trx,
        prepared.flatMap((p) => [...(p.input.author ? [p.input.author] : []), ...(p.input.recipients ?? [])]).map((a) => ({
          externalId: a.externalId, ageBand: a.ageBand, flags: a.flags,
          createdAt: a.createdAt === undefined ? undefined : toEpochMs(a.createdAt, now),
        })),
        now,
      );
      const newItems: Item[] = [];
      const events: NewEvent[] = [];
      // One lookup for the whole batch; items repeated inside the batch are caught as they are added.
      // A re-shared file is sealed and stored once: skip what is already held or was sealed earlier in the batch.
      const sealed = await existingBlobs(trx, prepared.flatMap((p) => p.media.map((m) => m.sha256)));
      const known = await findItemIdsByContent(trx, prepared.map((p) => ({ externalId: p.input.externalId, contentDigest: p.digest })));
      const toSeal = new Map<string, Buffer>();
      for (const p of prepared) {
        const key = `${p.input.externalId}\u0000${p.digest}`;
        const existing = known.get(key);
        if (existing) {
          results.push({ itemId: existing, externalId: p.input.externalId, duplicate: true });
          continue;
        }
        const item = this.toItem(p, accounts, now);
        newItems.push(item);
        if (!this.opts.hashOnly && this.opts.keys) {
          for (const m of p.media) if (!sealed.has(m.sha256)) toSeal.set(m.sha256, m.data);
        }
        known.set(key, item.id);
        events.push({
          type: 'item_ingested', itemId: item.id, accountId: item.authorId, actor,
          versions: { haven: this.opts.version },
          payload: {
            externalId: item.externalId, surface: item.surface, kind: item.kind, contentDigest: item.contentDigest,
            media: item.media.map((m) => ({
              index: m.index, mime: m.mime, bytes: m.bytes, md5: m.md5, sha256: m.sha256, stored: m.stored, pdq: m.pdq,
              pdqQuality: m.pdqQuality, vpdqFrames: m.vpdq?.length ?? null, hashError: m.hashError,
            })),
          },
        });
        results.push({ itemId: item.id, externalId: item.externalId, duplicate: false });
      }
      // Keyed rows go in sorted order, so concurrent batches sharing items or files wait for each other, never deadlock.
      const keys = this.opts.keys;
      if (keys) for (const sha of [...toSeal.keys()].sort()) await putBlob(trx, sha, seal(keys, toSeal.get(sha) as Buffer), now);
      await insertItems(trx, [...newItems].sort((a, b) => compareKeys(itemKey(a), itemKey(b))));
      await appendEvents(trx, events, now);
      await enqueueJobs(trx, 'process_item', newItems.map((i) => i.id), now);
      return results;
    });
  }

  private toItem(p: PreparedItem, accounts: Map<string, { id: AccountId }>, now: number): Item {
    const id = newId<ItemId>();
    const stored = !this.opts.hashOnly && this.opts.keys !== null;
    return {
      id,
      externalId: p.input.externalId,
      contentDigest: p.digest,
      surface: p.input.surface,
      kind: p.kind,
      text: p.input.text ?? null,
      media: p.media.map(({ data: _data, ...m }) => ({ ...m, id: newId<MediaId>(), stored })),
      authorId: p.input.author ? (accounts.get(p.input.author.externalId)?.id ?? null) : null,
      conversationId: p.input.conversationId ?? null,
      recipientIds: (p.input.recipients ?? []).flatMap((r) => accounts.get(r.externalId)?.id ?? []),
      createdAt: toEpochMs(p.input.createdAt, now),
      ingestedAt: now,
      metadata: p.input.metadata ?? {},
      status: 'pending',
    };
  }
}

/** How often a commit that lost an insert race is tried again; each retry finds more of the batch already stored. */
const RACE_RETRIES = 3;

/**
 * Postgres: a unique violation on (external_id, content_digest) (another transaction committed the same item first),
 * or a deadlock with another ingest (accounts refreshed in different orders); trying again settles either.
 */
function lostItemRace(e: unknown): boolean {
  const err = e as { code?: unknown; constraint?: unknown } | null;
  return (err?.code === '23505' && err.constraint === 'items_external_digest') || err?.code === '40P01';
}

function itemKey(i: Item): string {
  return `${i.externalId}\u0000${i.contentDigest}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function inferKind(hasText: boolean, mimes: readonly string[]): ItemKind {
  const images = mimes.filter((m) => m.startsWith('image/')).length;
  const videos = mimes.length - images;
  if (mimes.length === 0) return 'text';
  if (!hasText && videos === 0) return 'image';
  if (!hasText && images === 0) return 'video';
  return 'multimodal';
}
