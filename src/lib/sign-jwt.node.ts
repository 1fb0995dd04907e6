import { constants, sign } from 'node:crypto';
import { NODE_ALGORITHMS, toKeyObject } from './node-jws.node.js';

/**
 * The Node twin of sign-jwt.ts (chosen by the package's `node` condition): the same compact JWS, signed with
 * node:crypto on the calling thread. Only asymmetric algorithms are used for access tokens.
 */
export async function signJwt(header: { alg: string; typ: string; kid?: string }, claims: Record<string, unknown>, key: CryptoKey): Promise<string> {
  const params = NODE_ALGORITHMS[header.alg];
  if (params === undefined || params.kind === 'hmac') throw new TypeError(`unsupported signing alg ${header.alg}`);
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const keyObject = toKeyObject(key);
  let signature: Buffer;
  switch (params.kind) {
    case 'rsa':
      signature = sign(params.hash, Buffer.from(input), { key: keyObject, padding: constants.RSA_PKCS1_PADDING });
      break;
    case 'pss':
      signature = sign(params.hash, Buffer.from(input), { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.bytes });
      break;
    case 'ecdsa':
      signature = sign(params.hash, Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' });
      break;
    case 'eddsa':
      signature = sign(null, Buffer.from(input), keyObject);
      break;
  }
  return `${input}.${signature.toString('base64url')}`;
}
