import type { SealedBlob } from '../../enforcement/media-vault.js';
import type { Queryable } from '../db.js';

/** Sealed media, keyed by SHA-256 so a re-shared file is stored once. */
export async function putBlob(q: Queryable, sha256: string, blob: SealedBlob, now: number): Promise<void> {
  await q
    .insertInto('media_blobs')
    .values({
      sha256, key_id: blob.keyId, wrapped_key: blob.wrappedKey, iv: blob.iv, tag: blob.tag, ciphertext: blob.ciphertext,
      created_at: now,
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}

export async function existingBlobs(q: Queryable, sha256s: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(sha256s)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await q.selectFrom('media_blobs').select('sha256').where('sha256', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) found.add(r.sha256);
  }
  return found;
}

export async function getBlob(q: Queryable, sha256: string): Promise<SealedBlob | null> {
  const r = await q.selectFrom('media_blobs').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  if (!r) return null;
  return {
    keyId: r.key_id, wrappedKey: Buffer.from(r.wrapped_key), iv: Buffer.from(r.iv), tag: Buffer.from(r.tag),
    ciphertext: Buffer.from(r.ciphertext),
  };
}

export async function getMediaRow(q: Queryable, mediaId: string) {
  return q.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
}
