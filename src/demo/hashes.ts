/**
 * Synthetic 256-bit hashes (64 hex digits, usable as PDQ or SHA-256 values) from a seeded xorshift generator, so
 * benchmarks and tests get the same list for the same seed. They label nothing real.
 */
export function* syntheticHashes(n: number, seed: number): Generator<string> {
  let x = seed >>> 0 || 1;
  const word = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0).toString(16).padStart(8, '0');
  };
  for (let i = 0; i < n; i++) yield word() + word() + word() + word() + word() + word() + word() + word();
}

/** `syntheticHashes` as an array. */
export function syntheticHashList(n: number, seed: number): string[] {
  return [...syntheticHashes(n, seed)];
}
