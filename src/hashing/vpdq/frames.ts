// Decodes a video into one small RGB frame per second by running ffmpeg as a child process (no shell).
//
// Frames are scaled down so the longer side is at most MAX_SIDE px (aspect kept): PDQ reduces every image to 64x64
// anyway, so a bigger frame only costs pipe bandwidth and memory. The raw rgb24 stream is parsed frame by frame from
// ffmpeg's stdout with backpressure, so memory stays around one frame whatever the length of the video.
//
// Input is always a file path, never bytes on stdin: MP4 files often keep their index at the end and cannot be
// demuxed from a pipe. The path is passed with the file: protocol and both ffprobe and ffmpeg only accept local
// files and common video containers, so a crafted playlist (HLS, concat) cannot make ffmpeg open URLs or other files.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export class VpdqError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VpdqError';
  }
}

export const MAX_SIDE = 512;
export const DEFAULT_MAX_FRAMES = 3600;
export const DEFAULT_TIMEOUT_MS = 600_000;

const FFMPEG = 'ffmpeg';
const FFPROBE = 'ffprobe';
const FORMATS = 'mov,matroska,avi,flv,mpegts,mpeg,asf,ogg,gif,ivf,mxf,h264,hevc,m4v,yuv4mpegpipe';
const INPUT_GUARD = ['-protocol_whitelist', 'file', '-format_whitelist', FORMATS];
const STDERR_LIMIT = 16 * 1024;

export interface ProbedVideo {
  /** Display size (after rotation metadata), before scaling. */
  width: number;
  height: number;
  durationSec: number | null;
}

export interface DecodedFrame {
  index: number;
  timestampSec: number;
  width: number;
  height: number;
  /** width * height * 3 bytes of rgb24; owned by the consumer. */
  pixels: Uint8Array;
}

export interface ExtractOptions {
  maxFrames?: number;
  timeoutMs?: number;
  /** Time budget already spent (by the probe), so one deadline covers the whole job. */
  deadline?: number;
}

/** Runs a process to completion with a deadline; stdout is collected (for ffprobe's small JSON only). */
async function run(cmd: string, args: string[], deadline: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const stderr = collectStderr(child);
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  const code = await waitExit(child, cmd, deadline);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr() };
}

/** Keeps the first STDERR_LIMIT bytes of stderr: enough for the error, bounded for a chatty decoder. */
function collectStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (b: Buffer) => {
    if (text.length < STDERR_LIMIT) text += b.toString('utf8').slice(0, STDERR_LIMIT - text.length);
  });
  return () => text;
}

/** Resolves with the exit code; rejects when the binary is missing or the deadline passes (the process is killed). */
function waitExit(child: ChildProcess, cmd: string, deadline: number): Promise<number | null> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new VpdqError(`${cmd} timed out`));
    }, Math.max(0, deadline - Date.now()));
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(e.code === 'ENOENT' ? new VpdqError('ffmpeg not found: install it (apt-get install ffmpeg)') : new VpdqError(`${cmd} failed: ${e.message}`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      ok(code);
    });
  });
}

/** The first line of ffmpeg's stderr that says something, without the "[demuxer @ 0x...]" prefix or the path. */
export function firstUsefulLine(stderr: string, url: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').split(`${url}: `).join('').trim());
  return lines.find((l) => l.length > 0) ?? 'unknown error';
}

function inputUrl(path: string): string {
  return `file:${resolve(path)}`;
}

/** Reads the display size and duration of the first video stream with ffprobe. */
export async function probeVideo(path: string, deadline = Date.now() + DEFAULT_TIMEOUT_MS): Promise<ProbedVideo> {
  const url = inputUrl(path);
  const args = ['-v', 'error', ...INPUT_GUARD, '-select_streams', 'v:0', '-show_entries',
    'stream=width,height:stream_side_data=rotation:stream_tags=rotate:format=duration', '-of', 'json', url];
  const { code, stdout, stderr } = await run(FFPROBE, args, deadline);
  if (code !== 0) throw new VpdqError(`not a readable video: ${firstUsefulLine(stderr, url)}`);
  let info: ProbeJson;
  try {
    info = JSON.parse(stdout) as ProbeJson;
  } catch {
    throw new VpdqError('ffprobe returned unreadable output');
  }
  const stream = info.streams?.[0];
  if (!stream || !(Number(stream.width) > 0) || !(Number(stream.height) > 0)) throw new VpdqError('no video stream');
  const rotation = Number(stream.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? stream.tags?.rotate ?? 0);
  // ffmpeg applies the rotation while decoding, so a portrait phone video comes out with width and height swapped.
  const quarter = Math.abs(Math.round(rotation / 90)) % 2 === 1;
  const duration = Number(info.format?.duration);
  return {
    width: quarter ? Number(stream.height) : Number(stream.width),
    height: quarter ? Number(stream.width) : Number(stream.height),
    durationSec: Number.isFinite(duration) && duration >= 0 ? duration : null,
  };
}

interface ProbeJson {
  streams?: { width?: number; height?: number; side_data_list?: { rotation?: number }[]; tags?: { rotate?: string } }[];
  format?: { duration?: string };
}

/** The frame size sent through the pipe: longer side at most MAX_SIDE, aspect kept, at least 1 px. */
export function scaledSize(width: number, height: number): { width: number; height: number } {
  const factor = Math.min(1, MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

/**
 * Yields one frame per second of video (frame i at i seconds). Stops after maxFrames and reports it through
 * `truncated`; throws VpdqError when ffmpeg is missing, fails on the input, or runs past the deadline.
 */
export async function* extractFrames(
  path: string,
  size: { width: number; height: number },
  opts: ExtractOptions & { truncated?: (value: boolean) => void } = {},
): AsyncGenerator<DecodedFrame> {
  const maxFrames = opts.maxFrames ?? DEFAULT_MAX_FRAMES;
  if (!Number.isInteger(maxFrames) || maxFrames < 1) throw new VpdqError('maxFrames must be a positive integer');
  const deadline = opts.deadline ?? Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const { width, height } = size;
  // One frame past the limit tells "exactly maxFrames" from "longer than that" without a second probe.
  const url = inputUrl(path);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', ...INPUT_GUARD, '-i', url, '-map', '0:v:0',
    '-vf', `fps=1,scale=${width}:${height}:flags=area`, '-frames:v', String(maxFrames + 1), '-an', '-sn', '-dn',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = collectStderr(child);
  const exited = waitExit(child, 'ffmpeg', deadline);
  // Failures before the stream is read (missing binary, timeout) must not be unhandled while we are iterating.
  let failure: unknown = null;
  exited.catch((e: unknown) => {
    failure = e;
    child.stdout?.destroy();
  });

  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  let truncated = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled < frameBytes) continue;
        if (index === maxFrames) {
          truncated = true;
          break;
        }
        yield { index, timestampSec: index, width, height, pixels: frame };
        index += 1;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
      if (truncated) break;
    }
  } catch (e) {
    if (!failure) throw new VpdqError(`reading ffmpeg output failed: ${(e as Error).message}`);
  } finally {
    // Covers early exit by the consumer, the frame limit and errors: never leave ffmpeg running.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  if (failure) throw failure;
  const code = await exited;
  if (truncated) {
    opts.truncated?.(true);
    return;
  }
  if (code !== 0) throw new VpdqError(`ffmpeg could not decode the video: ${firstUsefulLine(stderr(), url)}`);
  if (filled !== 0) throw new VpdqError('ffmpeg output ended inside a frame');
  opts.truncated?.(false);
}
