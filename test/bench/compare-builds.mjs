#!/usr/bin/env node
// Two builds of the package side by side in ONE process: is a change faster, apart from the machine's mood?
// Run-to-run noise on a shared machine (10-20%) hides a few percent; interleaving the two builds round by round,
// over the same pool of fresh assertions, with the floor timed in each round, does not.
//
//   git worktree add /tmp/before <commit> && (cd /tmp/before && npm ci && npm run build)
//   npm run build
//   node test/bench/compare-builds.mjs /tmp/before/dist/node/index.js dist/node/index.js RS256
//
// Options (after the algorithm): --rounds=15 --per-round=2000. Prints the median CPU µs per verification of the
// floor (node:crypto.verify over pre-decoded bytes) and of each build with a fresh jti per call (memory store,
// static resolver, no token issuance), each build's median ratio to the floor, and the median of B/A per round.
import { constants, generateKeyPairSync, sign, verify } from 'node:crypto';
import { resolve } from 'node:path';
import { cpuUsage } from 'node:process';
import { pathToFileURL } from 'node:url';

const [pathA, pathB, alg = 'RS256', ...flags] = process.argv.slice(2);
if (pathA === undefined || pathB === undefined) {
  console.error('usage: node test/bench/compare-builds.mjs <build A entry> <build B entry> [RS256|PS256|ES256|EdDSA] [--rounds=N] [--per-round=N]');
  process.exit(2);
}
const flag = (name, fallback) => Number(flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = flag('rounds', 15);
const N = flag('per-round', alg === 'RS256' || alg === 'PS256' ? 2000 : 800);
const A = await import(pathToFileURL(resolve(pathA)).href);
const B = await import(pathToFileURL(resolve(pathB)).href);

const pair =
  alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : alg === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
const verifyKey =
  alg === 'PS256'
    ? { key: pair.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
    : alg === 'ES256'
      ? { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }
      : pair.publicKey;
const signKey = verifyKey === pair.publicKey ? pair.privateKey : { ...verifyKey, key: pair.privateKey };
const hash = alg === 'EdDSA' ? null : 'sha256';
const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k', alg };
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const SERVICE = 'svc@example.com';
const ISSUER = 'https://as.example.com';
const now = Math.floor(Date.now() / 1000);

// One pool of fresh assertions, read once by each build (each has its own replay store), as flat strings.
const pool = Array.from({ length: N * (ROUNDS + 1) }, (_, i) => {
  const input = `${encode({ alg, kid: 'k', typ: 'JWT' })}.${encode({ iss: SERVICE, sub: SERVICE, aud: ISSUER, iat: now, exp: now + 290, jti: `jti-${i}` })}`;
  return Buffer.from(`${input}.${sign(hash, Buffer.from(input), signKey).toString('base64url')}`, 'latin1').toString('latin1');
});
const floorBytes = pool.map((assertion) => {
  const dot = assertion.lastIndexOf('.');
  return [Buffer.from(assertion.slice(0, dot)), Buffer.from(assertion.slice(dot + 1), 'base64url')];
});
const optionsFor = (lib) => ({
  issuer: ISSUER,
  keyResolver: lib.createStaticKeyResolver({ [SERVICE]: { keys: [jwk] } }),
  replayStore: lib.createMemoryReplayStore(),
});
const builds = [
  ['A', A, optionsFor(A)],
  ['B', B, optionsFor(B)],
];
const cpu = () => {
  const used = cpuUsage();
  return used.user + used.system;
};
const request = (lib, assertion) => ({ body: { grant_type: lib.JWT_BEARER_GRANT_TYPE, assertion } });

let next = 0;
for (let i = 0; i < N; i++, next++) for (const [, lib, options] of builds) await lib.verifyJwtBearerGrant(request(lib, pool[next]), options);
const results = { floor: [], A: [], B: [] };
for (let round = 0; round < ROUNDS; round++) {
  const base = next;
  let start = cpu();
  for (let i = 0; i < N; i++) {
    const [data, signature] = floorBytes[base + i];
    if (!verify(hash, data, verifyKey, signature)) throw new Error('the floor refused a valid signature');
  }
  results.floor.push((cpu() - start) / N);
  for (const [name, lib, options] of round % 2 === 0 ? builds : [...builds].reverse()) {
    start = cpu();
    for (let i = 0; i < N; i++) await lib.verifyJwtBearerGrant(request(lib, pool[base + i]), options);
    results[name].push((cpu() - start) / N);
  }
  next += N;
}
const median = (values) => [...values].sort((x, y) => x - y)[values.length >> 1];
const toFloor = (values) => median(values.map((value, i) => value / results.floor[i])).toFixed(2);
console.log(
  `${alg}, fresh jti, median CPU µs per verification over ${ROUNDS} rounds of ${N}: floor ${median(results.floor).toFixed(1)}; ` +
    `A ${median(results.A).toFixed(1)} (${toFloor(results.A)}× floor); B ${median(results.B).toFixed(1)} (${toFloor(results.B)}× floor); ` +
    `B/A ${median(results.B.map((value, i) => value / results.A[i])).toFixed(3)}`,
);
