import { createHash, createPublicKey, KeyObject, sign, type JsonWebKey as NodeJwk, type webcrypto } from 'node:crypto';
import type { TestKey } from './fixture.js';

// A minimal DER writer: enough for a self-signed X.509 v3 certificate, so tests use real certificates without
// openssl or committed key material.
export function der(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const seq = (...c: Uint8Array[]) => der(0x30, ...c);
const ECDSA_SHA256 = seq(Buffer.from('06082a8648ce3d040302', 'hex'));
const RSA_SHA256 = seq(Buffer.from('06092a864886f70d01010b', 'hex'), Buffer.from('0500', 'hex'));
const name = (cn: string) => seq(der(0x31, seq(Buffer.from('0603550403', 'hex'), der(0x0c, Buffer.from(cn)))));

// RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime after.
function time(date: Date): Uint8Array {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(`${iso.slice(2)}Z`)) : der(0x18, Buffer.from(`${iso}Z`));
}

export interface TestCertificate {
  der: Buffer;
  /** Standard base64, as in a JWK `x5c` entry. */
  base64: string;
  pem: string;
  x5t: string;
  x5tS256: string;
}

/** A self-signed certificate for an ES256 or RS256/PS256 test key, valid from `notBefore` to `notAfter`. */
export function selfSignedCertificate(
  key: TestKey,
  cn: string,
  validity: { notBefore: Date; notAfter: Date } = { notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') },
): TestCertificate {
  const spki = createPublicKey({ key: key.publicJwk as NodeJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
  const rsa = key.publicJwk.kty === 'RSA';
  const algorithm = rsa ? RSA_SHA256 : ECDSA_SHA256;
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([0x01, 0x23, 0x45])),
    algorithm,
    name(cn),
    seq(time(validity.notBefore), time(validity.notAfter)),
    name(cn),
    spki,
  );
  const privateKey = KeyObject.from(key.privateKey as unknown as webcrypto.CryptoKey);
  const signature = sign('sha256', tbs, rsa ? { key: privateKey.export({ format: 'pem', type: 'pkcs8' }), padding: 1 } : privateKey);
  const cert = Buffer.from(seq(tbs, algorithm, der(0x03, Buffer.from([0]), signature)));
  const base64 = cert.toString('base64');
  return {
    der: cert,
    base64,
    pem: toPem(base64),
    x5t: createHash('sha1').update(cert).digest('base64url'),
    x5tS256: createHash('sha256').update(cert).digest('base64url'),
  };
}

/**
 * A structurally valid X.509 v3 certificate around ANY SubjectPublicKeyInfo (Ed25519, RSASSA-PSS, weak RSA),
 * which `selfSignedCertificate` cannot make. Its signature is filler: the library never checks certificate
 * signatures (a configured certificate is trusted as configured), only its key and validity.
 */
export function certificateForSpki(
  spki: Buffer,
  validity = { notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') },
): { base64: string; pem: string } {
  const tbs = seq(der(0xa0, der(0x02, Buffer.from([2]))), der(0x02, Buffer.from([7])), ECDSA_SHA256, name('test'), seq(time(validity.notBefore), time(validity.notAfter)), name('test'), spki);
  const base64 = Buffer.from(seq(tbs, ECDSA_SHA256, der(0x03, Buffer.from([0]), Buffer.alloc(64, 1)))).toString('base64');
  return { base64, pem: toPem(base64) };
}

/** Standard base64 DER as PEM, 64 characters a line (RFC 7468). */
export function toPem(base64: string, label: 'CERTIFICATE' | 'PUBLIC KEY' = 'CERTIFICATE'): string {
  return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** The DER SubjectPublicKeyInfo of a public JWK. */
export function spkiOf(jwk: object): Buffer {
  return createPublicKey({ key: jwk as NodeJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

/** The same RSA key as an id-RSASSA-PSS SubjectPublicKeyInfo (RFC 4055), restricting it to PS* algorithms. */
export function pssSpkiOf(rsaJwk: object): Buffer {
  const spki = spkiOf(rsaJwk);
  const rsaEncryption = Buffer.from('06092a864886f70d010101', 'hex');
  const at = spki.indexOf(rsaEncryption);
  if (at < 0) throw new Error('not an RSA SPKI');
  const pss = Buffer.from(spki);
  pss[at + rsaEncryption.length - 1] = 0x0a;
  return pss;
}
