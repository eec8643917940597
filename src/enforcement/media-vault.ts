import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Wraps and unwraps per-object data keys. The default keeps a master key in memory; a KMS can implement the same. */
export interface KeyProvider {
  readonly keyId: string;
  wrap(dataKey: Buffer): Buffer;
  unwrap(wrapped: Buffer, keyId: string): Buffer;
}

export class LocalKeyProvider implements KeyProvider {
  readonly keyId: string;
  constructor(private readonly masterKey: Buffer, keyId = 'local-1') {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.keyId = keyId;
  }
  wrap(dataKey: Buffer): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.masterKey, iv);
    const body = Buffer.concat([c.update(dataKey), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  unwrap(wrapped: Buffer, keyId: string): Buffer {
    if (keyId !== this.keyId) throw new Error(`media was sealed with key ${keyId}, which this provider does not hold`);
    const d = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    d.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
  }
}

export interface SealedBlob {
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/** AES-256-GCM with a fresh data key per object, so one leaked data key exposes one file only. */
export function seal(keys: KeyProvider, plaintext: Uint8Array): SealedBlob {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', dataKey, iv);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { keyId: keys.keyId, wrappedKey: keys.wrap(dataKey), iv, tag: c.getAuthTag(), ciphertext };
}

export function open(keys: KeyProvider, blob: SealedBlob): Buffer {
  const dataKey = keys.unwrap(blob.wrappedKey, blob.keyId);
  const d = createDecipheriv('aes-256-gcm', dataKey, blob.iv);
  d.setAuthTag(blob.tag);
  return Buffer.concat([d.update(blob.ciphertext), d.final()]);
}
