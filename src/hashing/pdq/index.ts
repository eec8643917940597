// PDQ perceptual image hashing (Meta's algorithm), bit-identical to the reference implementation.
export { MIN_HASHABLE_DIM, type PdqResult, pdqFromRgb } from './core.js';
export { dct64To16, DCT_MATRIX } from './dct.js';
export { DIHEDRAL_NAMES, dihedralBlock } from './dihedral.js';
export { PdqError } from './errors.js';
export { bitsToHex, qualityMetric, torbenMedian } from './hash.js';
export { bytesToHex, hammingDistance, hexToBytes, isPdqHex } from './hex.js';
export { downsample64, jaroszWindowSize, samplePoints } from './jarosz.js';
export { type PdqImageOptions, pdqHashImage, squashNearest } from './decode.js';
