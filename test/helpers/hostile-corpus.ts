// Hostile inputs, generated in code (no fixture files): malformed and oversized media, and text built to make
// normalisers, parsers and renderers work hard. Every image is a synthetic pattern or a flat colour.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { patternJpeg, patternPng } from './images.js';

export interface HostileCase {
  name: string;
  /** The request body: an item as JSON, or raw bytes sent as application/json. */
  body: Record<string, unknown> | Buffer;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([head, typed, crc]);
}

/** A PNG whose header declares width x height greyscale pixels, with `rows` rows of zeros actually compressed. */
export function pngDeclaring(width: number, height: number, rows = 1): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(Math.min(rows, height) * (width + 1)); // each row: filter byte + pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG whose start-of-frame marker is rewritten to declare other dimensions than its data holds. */
export function jpegDeclaring(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF marker in the JPEG');
}

/** An animated image of `frames` flat-colour frames of side x side pixels. */
async function animated(format: 'gif' | 'webp', frames: number, side: number): Promise<Buffer> {
  const img = sharp({ create: { width: side, height: side * frames, channels: 3, background: '#3a7bd5', pageHeight: side } });
  return format === 'gif' ? img.gif().toBuffer() : img.webp({ quality: 10, effort: 0 }).toBuffer();
}

const item = (name: string, fields: Record<string, unknown>) => ({ externalId: `hostile-${name}`, surface: 'direct_message', author: { externalId: 'hostile-author', ageBand: 'adult' }, ...fields });
const media = (bytes: Buffer) => ({ media: [{ data: bytes.toString('base64') }] });

export async function hostileCases(): Promise<HostileCase[]> {
  const png = await patternPng(5, 256, 256);
  const jpeg = await patternJpeg(5, 256, 256);
  const mediaCases: [string, Buffer][] = [
    ['truncated-png', png.subarray(0, Math.floor(png.length / 2))],
    ['truncated-jpeg', jpeg.subarray(0, Math.floor(jpeg.length / 2))],
    ['png-header-only', png.subarray(0, 33)],
    ['wrong-magic-png', Buffer.concat([Buffer.from('GIF89a'), png.subarray(6)])],
    ['random-bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24))],
    // Declares 2^31-1 squared pixels over a few hundred bytes: must be refused from the header, never allocated.
    ['png-bomb-declared-huge', pngDeclaring(2_147_483_647, 2_147_483_647)],
    ['png-bomb-65535-square', pngDeclaring(65_535, 65_535, 4)],
    // A strip: few pixels in all, but one side far past anything real.
    ['png-strip-1x5000000', pngDeclaring(1, 5_000_000, 5_000_000)],
    ['jpeg-declaring-65500-square', jpegDeclaring(jpeg, 65_500, 65_500)],
    // Within the default pixel limit (50 Mpx) and tiny on the wire: decoding it is real work.
    ['png-flat-7000-square', await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer()],
    ['gif-3000-frames', await animated('gif', 3000, 16)],
    ['webp-3000-frames', await animated('webp', 3000, 16)],
    ['mp4-ftyp-then-garbage', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom\0\0\0\0isomiso2', 'latin1'), Buffer.alloc(2048, 0xab)])],
    ['webm-magic-then-garbage', Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(1024, 0x42)])],
  ];
  const cases: HostileCase[] = mediaCases.map(([name, bytes]) => ({ name, body: item(name, media(bytes)) }));

  const combining = `a${'\u0301'.repeat(99_999)}`;
  const bidi = `${'\u202e\u2067\u202b\u2066'.repeat(12_499)}x${'\u2069\u202c'.repeat(24_998)}`;
  const zeroWidth = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? '\u200b' : 'a\u200d')).join('').slice(0, 100_000);
  // Cyrillic and Greek look-alikes of Latin letters, spelling a neutral phrase over and over.
  const homoglyphs = 'ѕесrеt gіft арр рhоtо '.repeat(4_500).slice(0, 100_000);
  const emoji = '👩🏽‍👩🏽‍👧🏽‍👦🏽'.repeat(4_000).slice(0, 100_000);
  const longLine = 'keep this between us '.repeat(50_000); // ~1 MB, no newline
  cases.push(
    { name: 'text-100k-combining-marks', body: item('combining', { text: combining }) },
    { name: 'text-bidi-nesting', body: item('bidi', { text: bidi }) },
    { name: 'text-zero-width-flood', body: item('zero-width', { text: zeroWidth }) },
    { name: 'text-homoglyph-flood', body: item('homoglyph', { text: homoglyphs }) },
    { name: 'text-emoji-zwj-flood', body: item('emoji', { text: emoji }) },
    { name: 'text-1mb-single-line', body: item('long-line', { text: longLine }) },
    { name: 'metadata-1mb-single-line', body: item('long-metadata', { text: 'hello', metadata: { note: longLine } }) },
    {
      // Nesting no JSON.stringify can write back: sent as bytes, since building it as an object would overflow here.
      name: 'metadata-deep-nesting',
      body: Buffer.from(`{"externalId":"hostile-deep","surface":"direct_message","text":"hello","metadata":{"deep":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`),
    },
    {
      name: 'metadata-deep-arrays',
      body: Buffer.from(`{"externalId":"hostile-deep-arrays","surface":"direct_message","text":"hello","metadata":{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`),
    },
    {
      // Invalid UTF-8 (overlong encodings, lone continuation bytes, a surrogate half) inside a JSON string.
      name: 'invalid-utf8-raw-bytes',
      body: Buffer.concat([
        Buffer.from('{"externalId":"hostile-utf8","surface":"direct_message","text":"abc ', 'utf8'),
        Buffer.from([0xc0, 0xaf, 0x80, 0xbf, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0xf8, 0x88, 0x80, 0x80, 0x80]),
        Buffer.from(' def"}', 'utf8'),
      ]),
    },
  );
  return cases;
}
