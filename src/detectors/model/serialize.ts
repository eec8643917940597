import { z } from 'zod';
import { categoryIdSchema } from '../../core/taxonomy.js';
import { checkFeatureParams, FEATURE_VERSION } from './features.js';
import { TextModel, type TextModelData } from './model.js';

const MAGIC = 0x314d5648; // "HVM1" little-endian

const headerSchema = z.strictObject({
  featureVersion: z.number().int(),
  features: z.strictObject({
    bits: z.number().int(), wordBigrams: z.boolean(), charMin: z.number().int(), charMax: z.number().int(), charWeight: z.number(),
  }),
  categories: z.array(categoryIdSchema).min(1),
  bias: z.array(z.number()),
  calibration: z.array(z.strictObject({ a: z.number(), b: z.number() })),
  threshold: z.number(),
});

/**
 * A model as base64 text (stored in a text column on every dialect): magic, a JSON header (everything but the
 * weights), then only the non-zero weights as (flat index u32, value f32) pairs, little-endian. Training touches a
 * small share of the 2^bits x C weights, so this is a fraction of the dense size, and Float32 values round-trip
 * bit for bit.
 */
export function serializeModel(model: TextModel): string {
  const { weights, ...rest } = model.data;
  const header = Buffer.from(JSON.stringify(rest), 'utf8');
  let nonZero = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 0 || Object.is(weights[i], -0)) nonZero++;
  const headerPadded = Math.ceil(header.length / 4) * 4;
  const buf = Buffer.alloc(8 + headerPadded + 4 + nonZero * 8);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  header.copy(buf, 8);
  let at = 8 + headerPadded;
  view.setUint32(at, nonZero, true);
  at += 4;
  for (let i = 0; i < weights.length; i++) {
    const v = weights[i]!;
    if (v === 0 && !Object.is(v, -0)) continue;
    view.setUint32(at, i, true);
    view.setFloat32(at + 4, v, true);
    at += 8;
  }
  return buf.toString('base64');
}

export function deserializeModel(encoded: string): TextModel {
  const buf = Buffer.from(encoded, 'base64');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 12 || view.getUint32(0, true) !== MAGIC) throw new Error('stored model weights are not in the HVM1 format');
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > buf.length) throw new Error('stored model weights are truncated (header)');
  const header = headerSchema.parse(JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8')));
  if (header.featureVersion !== FEATURE_VERSION) {
    throw new Error(`stored model uses feature version ${header.featureVersion}; this Haven reads version ${FEATURE_VERSION}: retrain it`);
  }
  checkFeatureParams(header.features);
  const size = 2 ** header.features.bits * header.categories.length;
  let at = 8 + Math.ceil(headerLength / 4) * 4;
  const count = view.getUint32(at, true);
  at += 4;
  if (at + count * 8 !== buf.length) throw new Error('stored model weights are truncated or padded');
  const weights = new Float32Array(size);
  for (let n = 0; n < count; n++, at += 8) {
    const i = view.getUint32(at, true);
    if (i >= size) throw new Error('stored model weights index out of range');
    weights[i] = view.getFloat32(at + 4, true);
  }
  const data: TextModelData = { ...header, weights };
  return new TextModel(data);
}
