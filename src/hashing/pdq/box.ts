// The reference's 1-D box filter, run on 4 rows at once. Each row's running float32 sum is a long chain of dependent
// rounded adds, so one row at a time is latency-bound; 4 independent chains in one loop overlap. A caller with fewer
// than 4 rows repeats a lane (same input and output offsets), which rewrites identical values.
//
// The window grows from half its size at the start, slides at full size, and shrinks at the end; each output is
// sum / count. Written as its four phases so the hot loops have no bounds branches. Needs len >= w, which the
// Jarosz window size guarantees for any hashable dimension.
const f = Math.fround;

// Pass 1 divides by multiplying with the double reciprocal, stored to float32: that is exactly the float32 quotient.
// For a float32 s and integer n < 2^24, s / n is never a float32 rounding midpoint and lies at least 2^-49 (relative)
// from every midpoint, while s * (1 / n) in double is within 2^-52 of s / n, so both round alike. This needs s / n
// to be a normal float32: pass 1's sums are multiples of 2^-27 (the luma tables') or of their quotients, so nonzero
// ones stay far above the subnormal range. Pass 2's sums come after two divisions, so it keeps true division.

/** Full box filter of the rows at input offsets a0..a3 into output offsets b0..b3 (stride 1, length len). */
export function boxRows4(
  inp: Float32Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  out: Float32Array,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  len: number,
  w: number,
): void {
  const half = (w + 2) >> 1;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let li = 0;
  let oi = 0;
  let n = half - 1;
  const invW = 1 / w;
  for (; ri < half - 1; ri++) {
    s0 = f(s0 + inp[a0 + ri]!);
    s1 = f(s1 + inp[a1 + ri]!);
    s2 = f(s2 + inp[a2 + ri]!);
    s3 = f(s3 + inp[a3 + ri]!);
  }
  for (; ri < w; ri++, oi++) {
    s0 = f(s0 + inp[a0 + ri]!);
    s1 = f(s1 + inp[a1 + ri]!);
    s2 = f(s2 + inp[a2 + ri]!);
    s3 = f(s3 + inp[a3 + ri]!);
    const inv = 1 / ++n;
    out[b0 + oi] = s0 * inv;
    out[b1 + oi] = s1 * inv;
    out[b2 + oi] = s2 * inv;
    out[b3 + oi] = s3 * inv;
  }
  for (; ri < len; ri++, li++, oi++) {
    s0 = f(f(s0 + inp[a0 + ri]!) - inp[a0 + li]!);
    s1 = f(f(s1 + inp[a1 + ri]!) - inp[a1 + li]!);
    s2 = f(f(s2 + inp[a2 + ri]!) - inp[a2 + li]!);
    s3 = f(f(s3 + inp[a3 + ri]!) - inp[a3 + li]!);
    out[b0 + oi] = s0 * invW;
    out[b1 + oi] = s1 * invW;
    out[b2 + oi] = s2 * invW;
    out[b3 + oi] = s3 * invW;
  }
  for (; oi < len; li++, oi++) {
    s0 = f(s0 - inp[a0 + li]!);
    s1 = f(s1 - inp[a1 + li]!);
    s2 = f(s2 - inp[a2 + li]!);
    s3 = f(s3 - inp[a3 + li]!);
    const inv = 1 / --n;
    out[b0 + oi] = s0 * inv;
    out[b1 + oi] = s1 * inv;
    out[b2 + oi] = s2 * inv;
    out[b3 + oi] = s3 * inv;
  }
}

/**
 * The same running sums as boxRows4, but only the outputs at the 64 sampled positions `cols` are divided and stored,
 * at out[b + k] for the k-th sample.
 */
export function boxRowsSampled4(
  inp: Float32Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  len: number,
  w: number,
  cols: Int32Array,
  out: Float32Array,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
): void {
  const half = (w + 2) >> 1;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let ri = 0;
  let li = 0;
  let o = 0;
  let n = half - 1;
  let k = 0;
  let next = cols[0]!;
  const last = cols.length;
  for (; ri < half - 1; ri++) {
    s0 = f(s0 + inp[a0 + ri]!);
    s1 = f(s1 + inp[a1 + ri]!);
    s2 = f(s2 + inp[a2 + ri]!);
    s3 = f(s3 + inp[a3 + ri]!);
  }
  for (; ri < w; ri++, o++) {
    s0 = f(s0 + inp[a0 + ri]!);
    s1 = f(s1 + inp[a1 + ri]!);
    s2 = f(s2 + inp[a2 + ri]!);
    s3 = f(s3 + inp[a3 + ri]!);
    n++;
    // Sample points can repeat when the dimension is under 64.
    while (o === next) {
      out[b0 + k] = s0 / n;
      out[b1 + k] = s1 / n;
      out[b2 + k] = s2 / n;
      out[b3 + k] = s3 / n;
      next = ++k < last ? cols[k]! : -1;
    }
  }
  for (; ri < len; ri++, li++, o++) {
    s0 = f(f(s0 + inp[a0 + ri]!) - inp[a0 + li]!);
    s1 = f(f(s1 + inp[a1 + ri]!) - inp[a1 + li]!);
    s2 = f(f(s2 + inp[a2 + ri]!) - inp[a2 + li]!);
    s3 = f(f(s3 + inp[a3 + ri]!) - inp[a3 + li]!);
    while (o === next) {
      out[b0 + k] = s0 / n;
      out[b1 + k] = s1 / n;
      out[b2 + k] = s2 / n;
      out[b3 + k] = s3 / n;
      next = ++k < last ? cols[k]! : -1;
    }
  }
  for (; o < len; li++, o++) {
    s0 = f(s0 - inp[a0 + li]!);
    s1 = f(s1 - inp[a1 + li]!);
    s2 = f(s2 - inp[a2 + li]!);
    s3 = f(s3 - inp[a3 + li]!);
    n--;
    while (o === next) {
      out[b0 + k] = s0 / n;
      out[b1 + k] = s1 / n;
      out[b2 + k] = s2 / n;
      out[b3 + k] = s3 / n;
      next = ++k < last ? cols[k]! : -1;
    }
  }
}
