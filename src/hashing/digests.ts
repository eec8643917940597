import { createHash } from 'node:crypto';

export interface Digests {
  md5: string;
  sha256: string;
}

export function digests(bytes: Uint8Array): Digests {
  return {
    md5: createHash('md5').update(bytes).digest('hex'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The identity of an item's content: its text and the SHA-256 of each media part, in order. */
export function contentDigest(text: string | undefined, mediaSha256: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([text ?? null, mediaSha256]))
    .digest('hex');
}
