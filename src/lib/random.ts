import { encodeBase64url } from './base64url.js';

/** `bytes` bytes from the platform CSPRNG (Web Crypto), base64url-encoded. */
export function randomToken(bytes: number): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
