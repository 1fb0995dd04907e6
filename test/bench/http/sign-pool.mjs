// A worker thread of run.mjs: signs a slice of the assertion pool with node:crypto (RSA signing is the slow part of
// preparing a run, so the slices are signed on every core).
import { createPrivateKey, sign } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

const { alg, privateKeyPem, claims, from, to } = workerData;
const key = createPrivateKey(privateKeyPem);
const signKey = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
const hash = alg === 'EdDSA' ? null : 'sha256';
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const header = encode({ alg, kid: `${alg}-bench`, typ: 'JWT' });

const assertions = [];
for (let i = from; i < to; i++) {
  const input = `${header}.${encode({ ...claims, jti: `${claims.jti}-${i}` })}`;
  assertions.push(`${input}.${sign(hash, Buffer.from(input), signKey).toString('base64url')}`);
}
parentPort.postMessage(assertions);
