import { z } from 'zod';
import { jsonDepth } from './json-depth.js';
import { AGE_BANDS, ITEM_KINDS } from './types.js';

export const MAX_TEXT_CHARS = 100_000;
export const MAX_MEDIA_PARTS = 10;
/** Far deeper than any platform's metadata; deeper values would overflow the stack when stored as JSON (a 500). */
export const MAX_METADATA_DEPTH = 32;

export const accountInputSchema = z.strictObject({
  externalId: z.string().min(1).max(256),
  ageBand: z.enum(AGE_BANDS).optional(),
  createdAt: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
  flags: z.array(z.string().min(1).max(64)).max(50).optional(),
});
export type AccountInput = z.infer<typeof accountInputSchema>;

export const mediaInputSchema = z.strictObject({
  /** Base64 of the file. Multipart uploads fill this in from the file part. */
  data: z.base64().min(4, 'media data is empty'),
  mime: z.string().max(100).optional(),
  name: z.string().max(256).optional(),
});
export type MediaInput = z.infer<typeof mediaInputSchema>;

/** One item as a platform sends it: a message, post, image, video or a mix of them. */
export const itemInputSchema = z
  .strictObject({
    externalId: z.string().min(1).max(256),
    surface: z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/, 'surface is lower-case letters, digits, _ . -'),
    kind: z.enum(ITEM_KINDS).optional(),
    text: z.string().max(MAX_TEXT_CHARS).optional(),
    media: z.array(mediaInputSchema).max(MAX_MEDIA_PARTS).optional(),
    author: accountInputSchema.optional(),
    recipients: z.array(accountInputSchema).max(100).optional(),
    conversationId: z.string().min(1).max(256).optional(),
    createdAt: z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]).optional(),
    metadata: z.record(z.string(), z.unknown())
      .refine((m) => jsonDepth(m, MAX_METADATA_DEPTH) <= MAX_METADATA_DEPTH, `metadata nests deeper than ${MAX_METADATA_DEPTH} levels`)
      .optional(),
  })
  .refine((i) => (i.text !== undefined && i.text.length > 0) || (i.media?.length ?? 0) > 0, {
    message: 'an item needs text or at least one media part',
  });
export type ItemInput = z.infer<typeof itemInputSchema>;

export function toEpochMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return typeof value === 'number' ? value : Date.parse(value);
}
