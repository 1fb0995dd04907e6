import { SignJWT } from 'jose';

/**
 * The one seam through which the library signs (access tokens). Its Node twin, sign-jwt.node.ts, signs the same
 * bytes with node:crypto; jose keeps key import and checks.
 */
export function signJwt(header: { alg: string; typ: string; kid?: string }, claims: Record<string, unknown>, key: CryptoKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}
