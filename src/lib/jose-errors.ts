import { OAuthError, type OAuthErrorCode } from '../errors.js';

// jose errors by their stable `code` (never by message). Anything not listed means the token and key could not
// be used together, which for the client is the same as a bad signature.
const BY_JOSE_CODE: Record<string, OAuthErrorCode> = {
  ERR_JWS_INVALID: 'ERR_JWT_BEARER_ASSERTION_MALFORMED',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_JWT_BEARER_ALG_NOT_ALLOWED',
  ERR_JOSE_NOT_SUPPORTED: 'ERR_JWT_BEARER_ALG_NOT_ALLOWED',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_JWT_BEARER_SIGNATURE_INVALID',
};

/** Translates an error thrown by jose during verification into the library's error, keeping it as `cause`. */
export function toOAuthError(error: unknown): OAuthError {
  const joseCode = (error as { code?: unknown } | null)?.code;
  const code = typeof joseCode === 'string' && Object.hasOwn(BY_JOSE_CODE, joseCode) ? BY_JOSE_CODE[joseCode] : undefined;
  return new OAuthError(code ?? 'ERR_JWT_BEARER_SIGNATURE_INVALID', {
    detail: `signature check failed (${typeof joseCode === 'string' ? joseCode : 'key and algorithm do not fit'})`,
    cause: error,
  });
}
