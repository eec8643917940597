// The 8 rotations/mirrors of an image, obtained from its DCT block alone. Mirroring an axis multiplies the
// coefficient of frequency u (1..16, stored at u-1) by (-1)^u, so even storage indices change sign; a transpose
// swaps the axes. No pixel is touched again.

interface Variant {
  transpose: boolean;
  flipRows: boolean;
  flipCols: boolean;
}

/** Reference order: original, rot90, rot180, rot270, flip x, flip y, flip about the +1 diagonal, the -1 diagonal. */
export const DIHEDRAL_NAMES = ['orig', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flip_plus1', 'flip_minus1'] as const;

const VARIANTS: readonly Variant[] = [
  { transpose: false, flipRows: false, flipCols: false },
  { transpose: true, flipRows: false, flipCols: true },
  { transpose: false, flipRows: true, flipCols: true },
  { transpose: true, flipRows: true, flipCols: false },
  { transpose: false, flipRows: true, flipCols: false },
  { transpose: false, flipRows: false, flipCols: true },
  { transpose: true, flipRows: false, flipCols: false },
  { transpose: true, flipRows: true, flipCols: true },
];

/** The DCT block of variant v (0..7, reference order) of the image whose block is a (16x16 row-major). */
export function dihedralBlock(a: Float32Array, v: number, out: Float32Array = new Float32Array(256)): Float32Array {
  const t = VARIANTS[v];
  if (!t) throw new RangeError(`dihedral variant ${v} is not 0..7`);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const neg = (t.flipRows && (i & 1) === 0) !== (t.flipCols && (j & 1) === 0);
      const x = a[i * 16 + j]!;
      out[t.transpose ? j * 16 + i : i * 16 + j] = neg ? -x : x;
    }
  }
  return out;
}
