/**
 * A 106-bit non-cryptographic digest of a string (two 53-bit cyrb53-style lanes with different seeds), as a flat
 * 22-character string. For in-memory replay keys only: equal inputs always give equal digests, so a replay is
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
  // Six 32-bit words of output, each as 5 base-64-ish characters from one flat allocation (no rope strings).
  return String.fromCharCode(
    ...chars(a1 >>> 0),
    ...chars(a2 & 0x1fffff),
    ...chars(b1 >>> 0),
    ...chars(b2 & 0x1fffff),
  );
}

// 32 bits as 6 characters of 6 bits from a printable range (0x30-0x6f): fixed width, so the lanes never blur.
function chars(word: number): [number, number, number, number, number, number] {
  return [
    0x30 + (word & 63),
    0x30 + ((word >>> 6) & 63),
    0x30 + ((word >>> 12) & 63),
    0x30 + ((word >>> 18) & 63),
    0x30 + ((word >>> 24) & 63),
    0x30 + ((word >>> 30) & 3),
  ];
}
