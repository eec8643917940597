import { cpuUsage } from 'node:process';
import sharp from 'sharp';
import { pdqFromRgb, pdqHashImage } from '../../src/hashing/pdq/index.js';
import { BenchCheckError, type Phase, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';

/** referenceMs: the reference C++ core (hash and 8 dihedral variants, no decode) on this machine class. */
const SIZES = [
  { label: '1024x768', width: 1024, height: 768, runs: 20, referenceMs: undefined },
  { label: '1600x1004', width: 1600, height: 1004, runs: 20, referenceMs: 13 },
  { label: '4000x3000', width: 4000, height: 3000, runs: 4, referenceMs: 150 },
] as const;

/** A benign photo-like JPEG: a smooth scene of gradients and shapes with some noise, rendered at the given size. */
async function sceneJpeg(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 640 480" preserveAspectRatio="none">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="0.4"><stop offset="0" stop-color="#3a6ea5"/><stop offset="1" stop-color="#f4a261"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#g)"/><circle cx="200" cy="170" r="110" fill="#2a9d8f"/>
    <rect x="360" y="250" width="220" height="150" fill="#e9c46a" transform="rotate(15 470 320)"/>
    <polygon points="40,440 260,300 320,470" fill="#264653"/><ellipse cx="520" cy="100" rx="90" ry="45" fill="#e76f51"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

async function timed<T>(runs: number, fn: () => Promise<T> | T): Promise<{ seconds: number; cpuSeconds: number; last: T }> {
  let last: T | undefined;
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) last = await fn();
  const cpu = cpuUsage(cpu0);
  return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, last: last as T };
}

/**
 * PDQ throughput on JPEGs, split into decoding (sharp, the lower bound of any JPEG hasher) and hashing (luma,
 * Jarosz filter, DCT, threshold and all 8 dihedral variants), measured in the same run.
 */
export const hashingPdqScenario: Scenario = {
  name: 'hashing-pdq',
  description: 'PDQ images/s on 1024x768, 1600x1004 and 4000x3000 JPEGs: sharp decode alone, hash alone, and both',
  async run({ log }: ScenarioOptions): Promise<ScenarioResult> {
    const phases: Phase[] = [];
    const ratios = [];
    const notes: string[] = [];
    for (const size of SIZES) {
      log(`[hashing-pdq] ${size.label}: rendering a test JPEG`);
      const jpeg = await sceneJpeg(size.width, size.height);
      const decoded = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      // Untimed first runs, which a busy server does not see: sharp's start-up, and the ~30 hashes V8 takes to
      // optimise the JavaScript and WebAssembly (the first few run several times slower).
      await timed(3, () => sharp(jpeg).removeAlpha().raw().toBuffer());
      await timed(30, () => pdqFromRgb(decoded.data, decoded.info.width, decoded.info.height, decoded.info.channels));
      const decode = await timed(size.runs, () => sharp(jpeg, { failOn: 'truncated' }).removeAlpha().raw().toBuffer());
      const hash = await timed(size.runs, () => pdqFromRgb(decoded.data, decoded.info.width, decoded.info.height, decoded.info.channels));
      const both = await timed(size.runs, () => pdqHashImage(jpeg, { maxPixels: 50_000_000 }));
      if (both.last.hash !== hash.last.hash || both.last.dihedral.length !== 8) {
        throw new BenchCheckError(`${size.label}: the decoded-and-hashed result differs from hashing the same pixels`);
      }
      phases.push(
        { label: `${size.label}: sharp decode only (baseline)`, items: size.runs, seconds: decode.seconds, cpuSeconds: decode.cpuSeconds },
        { label: `${size.label}: PDQ hash + 8 dihedral`, items: size.runs, seconds: hash.seconds, cpuSeconds: hash.cpuSeconds },
        { label: `${size.label}: decode + hash (haven)`, items: size.runs, seconds: both.seconds, cpuSeconds: both.cpuSeconds },
      );
      ratios.push({ label: `${size.label}: decode+hash vs decode alone (times slower)`, value: both.seconds / decode.seconds });
      // Per image, wall clock and (in brackets) CPU: on a busy machine the CPU figure is the one to compare.
      const ms = (t: { seconds: number; cpuSeconds: number }) =>
        `${((t.seconds / size.runs) * 1000).toFixed(1)} ms (${((t.cpuSeconds / size.runs) * 1000).toFixed(1)} CPU)`;
      const reference = size.referenceMs === undefined ? '' : `; reference C++ core ~${size.referenceMs} ms`;
      notes.push(`${size.label}: sharp decode ${ms(decode)}, hash ${ms(hash)}${reference}, both ${ms(both)}; quality ${both.last.quality}`);
    }
    return { params: { sizes: SIZES.map((s) => `${s.label}x${s.runs}`).join(' ') }, phases, ratios, counts: {}, notes };
  },
};
