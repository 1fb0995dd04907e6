import { base64url } from 'jose';

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const LAST_CHAR_VALUE = new Map<string, number>(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c, i) => [c, i]),
);

/**
 * True when `text` is canonical unpadded base64url (RFC 7515 §2): only the URL-safe alphabet, no padding, no
 * impossible length, and zero bits in the unused low bits of the last character. Canonical form matters: two
 * spellings of one signature would let a modified token verify.
 */
export function isCanonicalBase64url(text: string): boolean {
  if (!ALPHABET.test(text)) return false;
  const remainder = text.length % 4;
  if (remainder === 1) return false;
  if (remainder === 0) return true;
  const last = LAST_CHAR_VALUE.get(text.charAt(text.length - 1)) ?? 0;
  // 2 leftover chars carry 12 bits for 8 (4 unused); 3 carry 18 for 16 (2 unused).
  return (last & (remainder === 2 ? 0x0f : 0x03)) === 0;
}

// ignoreBOM keeps a byte order mark in the text, so JSON.parse refuses it (RFC 8259 §8.1: MUST NOT add one).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Decodes base64url that already passed {@link isCanonicalBase64url} to the UTF-8 text it holds. JOSE JSON is
 * almost always ASCII, where the decoded binary string already is the text; anything else goes through a fatal
 * UTF-8 decoder.
 * @throws TypeError for bytes that are not UTF-8.
 */
export function decodeBase64urlText(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return ASCII.test(binary) ? binary : utf8.decode(binaryToBytes(binary));
}

/**
 * Decodes standard base64 (RFC 4648 §4: PEM bodies, `x5c` entries, Basic credentials) to bytes.
 * @throws DOMException (InvalidCharacterError) for text that is not base64.
 */
export function decodeBase64(text: string): Uint8Array {
  return binaryToBytes(atob(text));
}

/** UTF-8 text held by standard base64 bytes. @throws for text that is not base64 or bytes that are not UTF-8. */
export function decodeBase64Text(text: string): string {
  return utf8.decode(decodeBase64(text));
}

function binaryToBytes(binary: string): Uint8Array {
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Decodes base64url that already passed {@link isCanonicalBase64url}. */
export function decodeBase64url(text: string): Uint8Array {
  return base64url.decode(text);
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}
