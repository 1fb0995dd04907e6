/**
 * A 106-bit non-cryptographic digest of a string (two 53-bit cyrb53-style lanes with different seeds), as a flat
 * 20-character string. For in-memory replay keys only: equal inputs always give equal digests, so a replay is
 * always seen; a collision between different inputs (about 1 in 10^19 for a million live entries) could only
 * make a fresh assertion look replayed, i.e. refuse it, never accept one.
 */
export function shortHash(text: string): string {
  let a1 = 0xdeadbeef ^ 0x9e3779b9;
  let a2 = 0x41c6ce57 ^ 0x9e3779b9;
  let b1 = 0xdeadbeef ^ 0x85ebca6b;
  let b2 = 0x41c6ce57 ^ 0x85ebca6b;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a1 = Math.imul(a1 ^ c, 2654435761);
    a2 = Math.imul(a2 ^ c, 1597334677);
    b1 = Math.imul(b1 ^ c, 2246822519);
    b2 = Math.imul(b2 ^ c, 3266489917);
  }
  a1 = Math.imul(a1 ^ (a1 >>> 16), 2246822507) ^ Math.imul(a2 ^ (a2 >>> 13), 3266489909);
  a2 = Math.imul(a2 ^ (a2 >>> 16), 2246822507) ^ Math.imul(a1 ^ (a1 >>> 13), 3266489909);
  b1 = Math.imul(b1 ^ (b1 >>> 16), 2246822507) ^ Math.imul(b2 ^ (b2 >>> 13), 3266489909);
  b2 = Math.imul(b2 ^ (b2 >>> 16), 2246822507) ^ Math.imul(b1 ^ (b1 >>> 13), 3266489909);
  // Four words as 20 characters of 6 bits from a printable range (0x30-0x6f), fixed width so the lanes never
  // blur, written into one reused buffer and turned into one flat string (no ropes, no per-call arrays).
  put(0, a1 >>> 0, 6);
  put(6, a2 & 0x1fffff, 4);
  put(10, b1 >>> 0, 6);
  put(16, b2 & 0x1fffff, 4);
  return String.fromCharCode.apply(null, OUT);
}

const OUT: number[] = new Array<number>(20).fill(0x30);

function put(offset: number, word: number, count: number): void {
  for (let i = 0; i < count; i++) OUT[offset + i] = 0x30 + ((word >>> (6 * i)) & 63);
}
