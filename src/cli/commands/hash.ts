import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { digests } from '../../hashing/digests.js';
import { type PdqResult, pdqHashImage } from '../../hashing/pdq/index.js';

interface HashOptions {
  json?: boolean;
  dihedral?: boolean;
  referenceCliResize?: boolean;
}

function problem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** `haven hash FILES...`: PDQ and digests of local image files, without a database. */
export function hashCommand(program: Command): void {
  program
    .command('hash')
    .argument('<files...>', 'image files to hash')
    .description('print the PDQ hash, PDQ quality, MD5 and SHA-256 of each image file')
    .option('--json', 'one JSON object per line: {"file","pdq","quality","md5","sha256"}, or {"file","error"}')
    .option('--dihedral', 'also print the 8 dihedral PDQ hashes (orig, rot90, rot180, rot270, flipx, flipy, flip_plus1, flip_minus1)')
    .option('--reference-cli-resize', "match the reference PDQ tool: squash images over 512 px to 512x512 first")
    .action(async (files: string[], o: HashOptions) => {
      const maxPixels = loadConfig().maxImagePixels;
      let failed = 0;
      // One file at a time: a full-resolution decode can be large, and the output keeps the argument order.
      for (const file of files) {
        let bytes: Buffer;
        let pdq: PdqResult;
        try {
          bytes = await readFile(file);
          pdq = await pdqHashImage(bytes, { maxPixels, referenceCliResize: o.referenceCliResize === true });
        } catch (e) {
          failed++;
          if (o.json) process.stdout.write(`${JSON.stringify({ file, error: problem(e) })}\n`);
          else process.stderr.write(`${file}: error: ${problem(e)}\n`);
          continue;
        }
        const { md5, sha256 } = digests(bytes);
        if (o.json) {
          const line = { file, pdq: pdq.hash, quality: pdq.quality, md5, sha256, ...(o.dihedral ? { dihedral: pdq.dihedral } : {}) };
          process.stdout.write(`${JSON.stringify(line)}\n`);
        } else {
          const out = [`${file}: pdq ${pdq.hash} quality ${pdq.quality} (${pdq.width}x${pdq.height}) md5 ${md5} sha256 ${sha256}`];
          if (o.dihedral) out.push(...pdq.dihedral.map((h, i) => `  ${DIHEDRAL_LABELS[i]} ${h}`));
          process.stdout.write(`${out.join('\n')}\n`);
        }
      }
      if (failed > 0) process.exitCode = 1;
    });
}

const DIHEDRAL_LABELS = ['orig       ', 'rot90      ', 'rot180     ', 'rot270     ', 'flipx      ', 'flipy      ', 'flip_plus1 ', 'flip_minus1'];
