import { constants, KeyObject, sign, type webcrypto } from 'node:crypto';
import { AS_ISSUER, SERVICE, T0, type TestKey } from '../helpers/fixture.js';

/**
 * Signs hand-written header and payload text (or bytes) EXACTLY as given, so a test can put duplicate member
 * names, `__proto__`, raw `1e999` or non-object JSON under a real signature: jose's signers would normalise or
 * refuse such input. The signature is a real one by `key`, so a rejection can only come from the rule tested.
 */
export function signRaw(header: string | Uint8Array, payload: string | Uint8Array, key: TestKey): string {
  const h = Buffer.from(header).toString('base64url');
  const p = Buffer.from(payload).toString('base64url');
  return `${h}.${p}.${signSegments(`${h}.${p}`, key)}`;
}

/** A real signature (base64url) over `signingInput` (`header.payload`) by `key`, for the key's algorithm. */
export function signSegments(signingInput: string, key: TestKey): string {
  const privateKey = KeyObject.from(key.privateKey as unknown as webcrypto.CryptoKey);
  const data = Buffer.from(signingInput, 'ascii');
  let signature: Buffer;
  switch (key.alg) {
    case 'ES256':
      signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      break;
    case 'ES384':
      signature = sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      break;
    case 'RS256':
      signature = sign('sha256', data, privateKey);
      break;
    case 'PS256':
      signature = sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      break;
    case 'EdDSA':
      signature = sign(null, data, privateKey);
      break;
  }
  return signature.toString('base64url');
}

/** The protected header text jose would write for `key`: `{"alg":...,"kid":...}` plus `extra` raw members. */
export function headerText(key: TestKey, extra = ''): string {
  return `{"alg":"${key.alg}","kid":${JSON.stringify(key.publicJwk.kid)}${extra === '' ? '' : `,${extra}`}}`;
}

let counter = 0;

/**
 * A claims set as raw JSON text: valid defaults (iss = sub = SERVICE, aud = AS_ISSUER, iat = T0, exp = T0 + 120,
 * unique jti) where `raw` replaces or adds members by name with raw JSON value text (`{ exp: '1e999' }`);
 * `undefined` removes a member. `extra` is appended verbatim (for duplicate or hostile member names).
 */
export function claimsText(raw: Record<string, string | undefined> = {}, extra = ''): string {
  const members: Record<string, string | undefined> = {
    iss: JSON.stringify(SERVICE),
    sub: JSON.stringify(SERVICE),
    aud: JSON.stringify(AS_ISSUER),
    iat: String(T0),
    exp: String(T0 + 120),
    jti: JSON.stringify(`raw-jti-${++counter}`),
    ...raw,
  };
  const parts: string[] = [];
  for (const [name, value] of Object.entries(members)) {
    if (value !== undefined) parts.push(`${JSON.stringify(name)}:${value}`);
  }
  if (extra !== '') parts.push(extra);
  return `{${parts.join(',')}}`;
}
