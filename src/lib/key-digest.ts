/**
 * A 128-bit non-cryptographic digest of a string: four multiply-xor lanes over its UTF-16 code units, finished
 * in two cyrb53-style pairs. For in-memory replay keys only: equal inputs always give equal digests under one
 * function, so a replay is always seen; a collision between different inputs could only make a fresh assertion
 * look replayed, i.e. refuse it, never accept one.
 *
 * Each function returned has its own secret 128-bit seed from the platform CSPRNG. The lanes are simple enough
 * that, with the seed known in advance, someone who can get assertions accepted (a trusted issuer) might compute
 * a `jti` whose key collides with another issuer's next `jti`, or many `jti`s that crowd one part of a hash
 * table; with a seed nobody outside this process knows, there is nothing to aim at.
 *
 * The digest is written into one array that the function returns and overwrites on the next call (read it
 * before calling again): a replay store consumes millions of keys and need not allocate for any of them.
 */
export function createKeyDigest(): (text: string) => Readonly<Uint32Array> {
  const seed = crypto.getRandomValues(new Uint32Array(4));
  const seedA1 = seed[0] as number;
  const seedA2 = seed[1] as number;
  const seedB1 = seed[2] as number;
  const seedB2 = seed[3] as number;
  const out = new Uint32Array(4);

  return function keyDigest(text: string): Readonly<Uint32Array> {
    let a1 = seedA1;
    let a2 = seedA2;
    let b1 = seedB1;
    let b2 = seedB2;
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
    out[0] = a1;
    out[1] = a2;
    out[2] = b1;
    out[3] = b2;
    return out;
  };
}
