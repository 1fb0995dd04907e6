import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';

// A structurally valid X.509 v3 certificate around ANY SubjectPublicKeyInfo (Ed25519, RSASSA-PSS, weak RSA),
// which the self-signed helper cannot make. Its signature is filler: the library never checks certificate
// signatures (a configured certificate is trusted as configured), only its key and validity.
function der(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const seq = (...c: Uint8Array[]) => der(0x30, ...c);
const name = (cn: string) => seq(der(0x31, seq(Buffer.from('0603550403', 'hex'), der(0x0c, Buffer.from(cn)))));
const time = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`));

export interface Certificate {
  base64: string;
  pem: string;
}

export function certificateForSpki(
  spki: Buffer,
  validity = { notBefore: new Date('2029-01-01T00:00:00Z'), notAfter: new Date('2031-01-01T00:00:00Z') },
): Certificate {
  const algorithm = seq(Buffer.from('06082a8648ce3d040302', 'hex'));
  const tbs = seq(der(0xa0, der(0x02, Buffer.from([2]))), der(0x02, Buffer.from([7])), algorithm, name('test'), seq(time(validity.notBefore), time(validity.notAfter)), name('test'), spki);
  const base64 = seq(tbs, algorithm, der(0x03, Buffer.from([0]), Buffer.alloc(64, 1))).toString('base64');
  return { base64, pem: `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n` };
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
