import type { Jwk } from '../ports/client-key-resolver.js';
import { decodeBase64, decodeBase64url, isCanonicalBase64url } from './base64url.js';
import { describeCertificate, stripLeadingZeros, type CertificateInfo, type SpkiInfo } from './der.js';

/** The first certificate of a JWK's `x5c`, read and checked against the JWK's own key. */
export interface X5cCertificate {
  readonly der: Uint8Array;
  readonly info: CertificateInfo;
}

function fail(path: string, problem: string): never {
  throw new TypeError(`${path}: ${problem}`);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function member(jwk: Jwk, name: string): Uint8Array {
  const value = jwk[name];
  // describeJwk checked these members before; this only guards the type.
  return typeof value === 'string' && isCanonicalBase64url(value) ? decodeBase64url(value) : new Uint8Array();
}

// RFC 7517 §4.7: "The key in the first certificate MUST match the public key represented by other members of
// the JWK."
function matchesJwk(spki: SpkiInfo, jwk: Jwk): boolean {
  switch (jwk.kty) {
    case 'RSA':
      return (
        (spki.type === 'RSA' || spki.type === 'RSA-PSS') &&
        spki.n !== undefined &&
        spki.e !== undefined &&
        equalBytes(spki.n, stripLeadingZeros(member(jwk, 'n'))) &&
        equalBytes(spki.e, stripLeadingZeros(member(jwk, 'e')))
      );
    case 'EC':
      return (
        spki.type === 'EC' &&
        spki.crv === jwk.crv &&
        spki.point !== undefined &&
        equalBytes(spki.point, Uint8Array.of(0x04, ...member(jwk, 'x'), ...member(jwk, 'y')))
      );
    case 'OKP':
      return spki.type === 'Ed25519' && spki.raw !== undefined && equalBytes(spki.raw, member(jwk, 'x'));
    default:
      return false;
  }
}

function base64ToBytes(text: string): Uint8Array | undefined {
  // RFC 7517 §4.7: each entry is base64 (RFC 4648 §4, not base64url) of a DER certificate.
  try {
    return decodeBase64(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the `x5c` member of a trusted JWK, when present: a non-empty array of base64 DER certificates whose first
 * certificate must hold the JWK's own public key (RFC 7517 §4.7). The rest of the chain is not validated (no
 * path building, signatures, key usage or revocation): the configured JWK is what is trusted; the certificate
 * adds its thumbprints (`x5t`, `x5t#S256` lookup) and its validity period, checked at verification time.
 *
 * @throws TypeError naming `path` for a malformed `x5c`, a first entry that is not an X.509 certificate, or a
 *   certificate whose key is not the JWK's key.
 */
export function readX5c(jwk: Jwk, path: string): X5cCertificate | undefined {
  if (jwk.x5c === undefined) return undefined;
  const chain: unknown = jwk.x5c;
  if (!Array.isArray(chain) || chain.length === 0 || !chain.every((entry) => typeof entry === 'string' && entry !== '')) {
    return fail(path, 'JWK "x5c" must be a non-empty array of base64 certificates');
  }
  if (jwk.kty === 'oct') fail(path, 'an "oct" JWK cannot carry "x5c"');
  const der = base64ToBytes(chain[0] as string);
  if (der === undefined) return fail(path, 'x5c entries must be base64 DER certificates');
  let info: CertificateInfo;
  try {
    info = describeCertificate(der);
  } catch {
    return fail(path, 'JWK "x5c"[0] is not a valid X.509 certificate');
  }
  if (!matchesJwk(info.spki, jwk)) fail(path, 'the public key of JWK "x5c"[0] does not match the JWK (RFC 7517 §4.7)');
  return { der, info };
}
