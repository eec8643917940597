import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { open } from '../../enforcement/media-vault.js';
import { blurredPreview } from '../../hashing/media.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import { getBlob, getMediaRow } from '../../store/repos/media-blobs.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/**
 * Media is hazardous. Everyone who may read items gets a blurred greyscale preview made on the server; the
 * original bytes go only to roles with media:view, and every such view is audited and recorded on the item's trace
 * (a report later states truthfully whether the platform viewed a file).
 */
export function mediaRoutes(routes: RouteTable, haven: Haven): void {
  async function load(id: string) {
    const row = await getMediaRow(haven.store.db, id);
    if (!row) throw new HttpError(404, 'not_found', `media ${id} not found`);
    if (!row.stored || !haven.keys) throw new HttpError(404, 'not_stored', 'Haven keeps only the hashes of this media (hash-only mode)');
    const blob = await getBlob(haven.store.db, row.sha256);
    if (!blob) throw new HttpError(404, 'not_stored', 'the media bytes are no longer held (retention)');
    return { row, bytes: open(haven.keys, blob) };
  }

  routes.add({
    method: 'GET', url: '/v1/media/:id/preview', tag: 'media', access: 'items:read', params: idParams,
    summary: 'A blurred, greyscale, low-resolution preview (image/webp)',
    async handler({ params, reply }) {
      const { row, bytes } = await load(params.id);
      if (!row.mime.startsWith('image/')) throw new HttpError(404, 'no_preview', 'previews exist for images only');
      const preview = await blurredPreview(bytes, haven.config.maxImagePixels);
      reply.header('content-type', 'image/webp').header('cache-control', 'private, no-store');
      return reply.send(preview);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/media/:id', tag: 'media', access: 'media:view', params: idParams,
    auditRefusal: { action: 'media.view.refused', targetType: 'media', param: 'id' },
    summary: 'The original media bytes. Audited on every access.',
    async handler({ params, principal, reply }) {
      const { row, bytes } = await load(params.id);
      const actor = principal ? principalLabel(principal) : 'unknown';
      const now = haven.clock.now();
      await haven.store.db.transaction().execute(async (trx) => {
        await appendAudit(trx, { actor, action: 'media.view', targetType: 'media', targetId: row.id, details: { itemId: row.item_id, sha256: row.sha256 } }, now);
        await appendEvents(trx, [{
          type: 'media_viewed', itemId: row.item_id, accountId: null, actor, versions: {}, payload: { mediaId: row.id, sha256: row.sha256 },
        }], now);
      });
      reply
        .header('content-type', row.mime)
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline')
        .header('x-content-type-options', 'nosniff');
      return reply.send(bytes);
    },
  });
}
