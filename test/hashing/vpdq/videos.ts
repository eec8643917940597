// Test videos for vPDQ, made by ffmpeg from its synthetic sources only (testsrc2, mandelbrot): never real footage.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether the video tests can run: a skip message locally, a hard failure under CI where ffmpeg must exist. */
export function ffmpegSkip(): string | false {
  const found = ['ffmpeg', 'ffprobe'].every((bin) => spawnSync(bin, ['-version'], { stdio: 'ignore' }).status === 0);
  if (found) return false;
  if (process.env.CI === 'true') throw new Error('ffmpeg/ffprobe missing under CI: install ffmpeg');
  const message = 'ffmpeg not installed, vPDQ video tests skipped (apt-get install ffmpeg)';
  console.log(message);
  return message;
}

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

export interface TestVideos {
  dir: string;
  /** 10 s of testsrc2, 320x240, H.264 in MP4. */
  original: string;
  /** The original re-encoded: MPEG-4 Part 2 in AVI, 240x180, low quality. */
  copy: string;
  /** The original re-encoded: H.264 at CRF 35 in Matroska, 240x180. */
  copyMkv: string;
  /** The original with rotation metadata (decoded as 240x320). */
  rotated: string;
  /** 10 s of mandelbrot: a different synthetic source. */
  unrelated: string;
  /** The first half of the original's bytes: the MP4 index (at the end) is missing. */
  truncated: string;
  text: string;
  cleanup: () => void;
}

export function makeVideos(): TestVideos {
  const dir = mkdtempSync(join(tmpdir(), 'haven-vpdq-'));
  const p = (name: string) => join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', p('original.mp4')]);
  ffmpeg(['-i', p('original.mp4'), '-vf', 'scale=240:180', '-c:v', 'mpeg4', '-q:v', '12', p('copy.avi')]);
  ffmpeg(['-i', p('original.mp4'), '-vf', 'scale=240:180', '-c:v', 'libx264', '-crf', '35', '-preset', 'veryfast', p('copy.mkv')]);
  ffmpeg(['-i', p('original.mp4'), '-c', 'copy', '-metadata:s:v', 'rotate=90', p('rotated.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=size=320x240:rate=25', '-t', '10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', p('unrelated.mp4')]);
  const bytes = readFileSync(p('original.mp4'));
  writeFileSync(p('truncated.mp4'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  writeFileSync(p('notes.txt'), 'this is a text file, not a video\n'.repeat(50));
  return {
    dir,
    original: p('original.mp4'),
    copy: p('copy.avi'),
    copyMkv: p('copy.mkv'),
    rotated: p('rotated.mp4'),
    unrelated: p('unrelated.mp4'),
    truncated: p('truncated.mp4'),
    text: p('notes.txt'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
