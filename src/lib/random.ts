import { encodeBase64url } from './base64url.js';

// CSPRNG output is drawn 4 KiB at a time and handed out in order, each byte once (as Node's own randomUUID and
// nanoid do): one getRandomValues call costs ~2.5 µs on Node 20 whatever its size, half an opaque token's budget,
// while reading 32 bytes from the pool costs ~0.1 µs. Filled on first use, not at module load (some runtimes, such
// as Cloudflare Workers, refuse random generation at global scope).
const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
let next = POOL_BYTES;

/** `bytes` bytes (1 to 256) from the platform CSPRNG (Web Crypto), base64url-encoded. */
export function randomToken(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 256) throw new RangeError('randomToken: bytes must be an integer from 1 to 256');
  if (next + bytes > POOL_BYTES) {
    // Fill first, then rewind: a fill that throws leaves `next` where it was, so nothing handed out goes out again
    // and the zeroed pool never goes out at all. A polyfill that returns fresh bytes instead of filling the array it
    // is given would leave the pool as it was (every token the same): refuse it.
    if (crypto.getRandomValues(pool) !== pool) throw new TypeError('crypto.getRandomValues must fill the array it is given');
    next = 0;
  }
  const start = next;
  next += bytes;
  return encodeBase64url(pool.subarray(start, next));
}
