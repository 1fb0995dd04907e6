/**
 * The few DER (X.690) reads needed to describe a PEM key without importing it: the key type, curve and RSA
 * modulus size of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), and the SPKI and validity of an X.509
 * certificate (RFC 5280 §4.1). Anything unexpected throws `TypeError`; callers report the option path.
 */

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(der: Uint8Array, offset: number, limit: number): Tlv {
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  if (tag === undefined || lengthByte === undefined || (tag & 0x1f) === 0x1f) throw new TypeError('bad DER');
  let start = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) throw new TypeError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = der[start + i];
      if (lengthByte === undefined) throw new TypeError('truncated DER');
      length = length * 256 + lengthByte;
    }
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new TypeError('truncated DER');
  return { tag, start, end };
}

function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const child = readTlv(der, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

function expect(tlv: Tlv | undefined, tag: number): Tlv {
  if (tlv?.tag !== tag) throw new TypeError('unexpected DER structure');
  return tlv;
}

const hex = (der: Uint8Array, tlv: Tlv): string =>
  Array.from(der.subarray(tlv.start, tlv.end), (b) => b.toString(16).padStart(2, '0')).join('');

const SEQUENCE = 0x30;
const OID = 0x06;
const BIT_STRING = 0x03;
const INTEGER = 0x02;

const KEY_TYPES: Record<string, 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519'> = {
  '2a864886f70d010101': 'RSA',
  '2a864886f70d01010a': 'RSA-PSS',
  '2a8648ce3d0201': 'EC',
  '2b6570': 'Ed25519',
};
const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};

/** What a SubjectPublicKeyInfo holds. */
export interface SpkiInfo {
  type: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519';
  crv?: 'P-256' | 'P-384' | 'P-521';
  modulusBits?: number;
  /**
   * The public key itself, to compare with a JWK (RFC 7517 §4.7): RSA modulus `n` and exponent `e` (big-endian,
   * leading zero bytes removed), the EC point as stored (`04 || x || y` when uncompressed), the Ed25519 key bytes.
   */
  n?: Uint8Array;
  e?: Uint8Array;
  point?: Uint8Array;
  raw?: Uint8Array;
}

/** Number of significant bits in a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const first = bytes[i];
  return first === undefined ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(first));
}

function describeSpkiTlv(der: Uint8Array, spki: Tlv): SpkiInfo {
  const [algorithm, bits] = childrenOf(der, expect(spki, SEQUENCE));
  const [oid, params] = childrenOf(der, expect(algorithm, SEQUENCE));
  const type = KEY_TYPES[hex(der, expect(oid, OID))];
  if (type === undefined) throw new TypeError('unsupported public key algorithm');
  const keyBits = expect(bits, BIT_STRING);
  // The key starts after the BIT STRING's unused-bits byte, which is 0 for every supported key type.
  const key = der.subarray(keyBits.start + 1, keyBits.end);
  if (type === 'EC') {
    const crv = CURVES[hex(der, expect(params, OID))];
    if (crv === undefined) throw new TypeError('unsupported elliptic curve');
    return { type, crv, point: key };
  }
  if (type === 'Ed25519') return { type, raw: key };
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } inside the BIT STRING.
  const rsaKey = readTlv(der, keyBits.start + 1, keyBits.end);
  const [modulus, exponent] = childrenOf(der, expect(rsaKey, SEQUENCE));
  const nTlv = expect(modulus, INTEGER);
  const eTlv = expect(exponent, INTEGER);
  const n = stripLeadingZeros(der.subarray(nTlv.start, nTlv.end));
  const e = stripLeadingZeros(der.subarray(eTlv.start, eTlv.end));
  return { type, modulusBits: bitLength(n), n, e };
}

/** The big-endian unsigned integer without its leading zero bytes (DER adds one when the top bit is set). */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** Describes a DER SubjectPublicKeyInfo. */
export function describeSpki(der: Uint8Array): SpkiInfo {
  return describeSpkiTlv(der, readTlv(der, 0, der.length));
}

/** What an X.509 certificate holds that key selection needs. */
export interface CertificateInfo {
  spki: SpkiInfo;
  /** Validity period, epoch milliseconds. */
  notBefore: number;
  notAfter: number;
}

function parseTime(der: Uint8Array, tlv: Tlv | undefined): number {
  if (tlv === undefined) throw new TypeError('unexpected DER structure');
  const text = String.fromCharCode(...der.subarray(tlv.start, tlv.end));
  // RFC 5280 §4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 is 19YY) or GeneralizedTime YYYYMMDDHHMMSSZ.
  const match =
    tlv.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : tlv.tag === 0x18
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (match === null) throw new TypeError('bad certificate validity time');
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = tlv.tag === 0x17 ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  return Date.UTC(year, mo - 1, d, h, mi, s);
}

/** Describes a DER X.509 certificate: its public key and validity period. */
export function describeCertificate(der: Uint8Array): CertificateInfo {
  const [tbs] = childrenOf(der, expect(readTlv(der, 0, der.length), SEQUENCE));
  const fields = childrenOf(der, expect(tbs, SEQUENCE));
  const first = fields[0]?.tag === 0xa0 ? 1 : 0; // optional [0] EXPLICIT version
  const validity = childrenOf(der, expect(fields[first + 3], SEQUENCE));
  return {
    spki: describeSpkiTlv(der, expect(fields[first + 5], SEQUENCE)),
    notBefore: parseTime(der, validity[0]),
    notAfter: parseTime(der, validity[1]),
  };
}
