/**
 * The one error type of the library: every rejection is an {@link OAuthError} carrying the RFC 6749 `error`
 * code, the HTTP status to answer with, a stable machine `code` and a fixed public `description`.
 *
 * @see RFC 6749 §5.2 (error response), RFC 7521 §4.1.1 / RFC 7523 §3.1 (assertion errors)
 * @module
 */

/** RFC 6749 §5.2 error codes (plus RFC 6749 §4.1.2.1 `temporarily_unavailable` / `server_error`). */
export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'
  | 'server_error';

// invalid_client is a 401 only with a challenge to send (RFC 6749 §5.2: MUST when the client used the
// Authorization header; RFC 9110 §15.5.2: a 401 without WWW-Authenticate is not allowed). Otherwise 400.
const STATUS: Record<OAuthErrorName, number> = {
  invalid_request: 400,
  invalid_client: 400,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  temporarily_unavailable: 503,
  server_error: 500,
};

// One public description for everything that amounts to "we could not verify who signed this":
// RFC 7523 §3 item 9 and SPEC J15, an unknown issuer must look exactly like a bad signature.
const UNVERIFIED = 'The assertion could not be verified with a trusted key.';

/**
 * Every machine reason the library can report, with its RFC 6749 `error` and fixed public description.
 * Descriptions use only the characters RFC 6749 §5.2 allows (%x20-21 / %x23-5B / %x5D-7E) and never contain
 * request data. `docs/errors.md` lists this table and a test keeps the two identical.
 */
export const ERROR_CODES = {
  ERR_JWT_BEARER_REQUEST_MALFORMED: ['invalid_request', 'The request body is not a valid form.'],
  ERR_JWT_BEARER_PARAMETER_REPEATED: ['invalid_request', 'A request parameter is included more than once.'],
  ERR_JWT_BEARER_GRANT_TYPE_MISSING: ['invalid_request', 'The grant_type parameter is missing.'],
  ERR_JWT_BEARER_GRANT_TYPE_UNSUPPORTED: ['unsupported_grant_type', 'The grant type is not supported.'],
  ERR_JWT_BEARER_ASSERTION_MISSING: ['invalid_request', 'The assertion parameter is missing.'],
  ERR_JWT_BEARER_CLIENT_CREDENTIALS_UNVERIFIED: [
    'invalid_client',
    'Client credentials were sent but cannot be validated at this endpoint.',
  ],
  ERR_JWT_BEARER_METHOD_NOT_ALLOWED: ['invalid_request', 'The token endpoint only accepts POST.', 405],
  ERR_JWT_BEARER_BODY_TOO_LARGE: ['invalid_request', 'The request body is too large.', 413],
  ERR_JWT_BEARER_CONTENT_TYPE_INVALID: ['invalid_request', 'The request body must be application/x-www-form-urlencoded.'],
  ERR_JWT_BEARER_CLIENT_AUTH_MULTIPLE: ['invalid_request', 'The request uses more than one client authentication method.'],
  ERR_JWT_BEARER_CLIENT_ASSERTION_INCOMPLETE: [
    'invalid_request',
    'client_assertion and client_assertion_type must be sent together.',
  ],
  ERR_JWT_BEARER_CLIENT_ASSERTION_TYPE_UNSUPPORTED: ['invalid_client', 'The client assertion type is not supported.'],
  ERR_JWT_BEARER_CLIENT_AUTH_MALFORMED: ['invalid_client', 'The client credentials are malformed.'],
  ERR_JWT_BEARER_CLIENT_AUTH_FAILED: ['invalid_client', 'Client authentication failed.'],
  ERR_JWT_BEARER_CLIENT_AUTH_REQUIRED: ['invalid_client', 'This grant type requires client authentication.'],
  ERR_JWT_BEARER_CLIENT_ID_MISMATCH: ['invalid_client', 'The client_id does not match the client assertion.'],
  ERR_JWT_BEARER_UNAUTHORIZED_CLIENT: ['unauthorized_client', 'The client may not use this grant type.'],
  ERR_JWT_BEARER_ASSERTION_TOO_LARGE: ['invalid_grant', 'The assertion is too large.'],
  ERR_JWT_BEARER_ASSERTION_MALFORMED: ['invalid_grant', 'The assertion is not a well-formed signed JWT.'],
  ERR_JWT_BEARER_ASSERTION_ENCRYPTED: ['invalid_grant', 'Encrypted assertions are not accepted.'],
  ERR_JWT_BEARER_ASSERTION_UNSECURED: ['invalid_grant', 'Unsecured assertions are not accepted.'],
  // UNVERIFIED too: an alg refused by one issuer's own allowlist must not tell a known issuer from an unknown one
  // (SPEC J15), and the log-only detail still says which rule refused it.
  ERR_JWT_BEARER_ALG_NOT_ALLOWED: ['invalid_grant', UNVERIFIED],
  ERR_JWT_BEARER_CRIT_UNSUPPORTED: ['invalid_grant', 'The assertion uses an unsupported critical header.'],
  ERR_JWT_BEARER_TYP_INVALID: ['invalid_grant', 'The assertion type is not accepted here.'],
  ERR_JWT_BEARER_CLAIM_INVALID: ['invalid_grant', 'An assertion claim has an invalid type or value.'],
  ERR_JWT_BEARER_ISSUER_MISSING: ['invalid_grant', 'The assertion has no issuer.'],
  ERR_JWT_BEARER_ISSUER_UNKNOWN: ['invalid_grant', UNVERIFIED],
  ERR_JWT_BEARER_KEY_NOT_FOUND: ['invalid_grant', UNVERIFIED],
  ERR_JWT_BEARER_ALG_KEY_MISMATCH: ['invalid_grant', UNVERIFIED],
  ERR_JWT_BEARER_SIGNATURE_INVALID: ['invalid_grant', UNVERIFIED],
  ERR_JWT_BEARER_SUBJECT_MISSING: ['invalid_grant', 'The assertion has no subject.'],
  ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED: ['invalid_grant', 'The issuer may not assert this subject.'],
  ERR_JWT_BEARER_AUDIENCE_MISSING: ['invalid_grant', 'The assertion has no audience.'],
  ERR_JWT_BEARER_AUDIENCE_MISMATCH: ['invalid_grant', 'The assertion audience does not identify this server.'],
  ERR_JWT_BEARER_EXPIRATION_MISSING: ['invalid_grant', 'The assertion has no expiration time.'],
  ERR_JWT_BEARER_ASSERTION_EXPIRED: ['invalid_grant', 'The assertion has expired.'],
  ERR_JWT_BEARER_ASSERTION_NOT_YET_VALID: ['invalid_grant', 'The assertion is not yet valid.'],
  ERR_JWT_BEARER_ISSUED_IN_FUTURE: ['invalid_grant', 'The assertion was issued in the future.'],
  ERR_JWT_BEARER_LIFETIME_TOO_LONG: ['invalid_grant', 'The assertion lifetime is longer than allowed.'],
  ERR_JWT_BEARER_JTI_MISSING: ['invalid_grant', 'The assertion has no jti.'],
  ERR_JWT_BEARER_JTI_REPLAYED: ['invalid_grant', 'The assertion has already been used.'],
  ERR_JWT_BEARER_SCOPE_MALFORMED: ['invalid_scope', 'The requested scope is malformed.'],
  ERR_JWT_BEARER_SCOPE_NOT_ALLOWED: ['invalid_scope', 'The requested scope is not allowed.'],
  ERR_JWT_BEARER_KEY_RESOLVER_FAILED: ['temporarily_unavailable', 'The service is temporarily unavailable.'],
  ERR_JWT_BEARER_KEY_RESOLVER_INVALID_RESULT: ['server_error', 'The server could not process the request.'],
  ERR_JWT_BEARER_REPLAY_STORE_FAILED: ['temporarily_unavailable', 'The service is temporarily unavailable.'],
  ERR_JWT_BEARER_REPLAY_STORE_FULL: ['temporarily_unavailable', 'The service is temporarily unavailable.'],
  ERR_JWT_BEARER_POLICY_HOOK_FAILED: ['server_error', 'The server could not process the request.'],
  ERR_JWT_BEARER_TOKEN_ISSUER_FAILED: ['server_error', 'The server could not process the request.'],
  ERR_JWT_BEARER_CLOCK_FAILED: ['server_error', 'The server could not process the request.'],
  ERR_JWT_BEARER_AUTHENTICATE_CLIENT_FAILED: ['temporarily_unavailable', 'The service is temporarily unavailable.'],
} as const satisfies Record<string, readonly [OAuthErrorName, string] | readonly [OAuthErrorName, string, number]>;

/** A stable machine-readable rejection reason. */
export type OAuthErrorCode = keyof typeof ERROR_CODES;

const BRAND = Symbol.for('jwt-bearer-grant.OAuthError');

/** Options for {@link OAuthError}: the log-only `detail` and the underlying `cause`. */
export interface OAuthErrorOptions {
  /** Server-side explanation for logs (never sent to the client; never contains secrets or the assertion). */
  detail?: string | undefined;
  /** The underlying error (a port failure, a jose error), kept for logs. */
  cause?: unknown;
  /**
   * `client` when the assertion authenticates a client (RFC 7523 §2.2): RFC 7521 §4.2.1 reports every invalid
   * client assertion as `invalid_client`, so `invalid_grant` becomes `invalid_client`.
   */
  use?: 'grant' | 'client';
  /**
   * The `WWW-Authenticate` challenge for an `invalid_client` error when the client used the Authorization header
   * (RFC 6749 §5.2): the error then has status 401.
   */
  wwwAuthenticate?: string | undefined;
}

/**
 * An OAuth 2.0 error response (RFC 6749 §5.2). `toJSON()` is the exact response body; `status` the HTTP status.
 *
 * @example
 * ```ts
 * try { await verifyJwtBearerGrant(req, options) }
 * catch (e) {
 *   if (!isOAuthError(e)) throw e
 *   log.warn({ code: e.code, detail: e.detail }, 'jwt-bearer grant refused')
 *   if (e.wwwAuthenticate) res.set('WWW-Authenticate', e.wwwAuthenticate)
 *   res.status(e.status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(e.toJSON())
 * }
 * ```
 * @see RFC 6749 §5.2
 */
export class OAuthError extends Error {
  /** RFC 6749 error code, e.g. `invalid_grant`. */
  readonly error: OAuthErrorName;
  /** HTTP status to answer with: 400, 401 (only with `wwwAuthenticate`), 405, 413, 500 or 503. */
  readonly status: number;
  /** Stable machine reason, e.g. `ERR_JWT_BEARER_ASSERTION_EXPIRED`. */
  readonly code: OAuthErrorCode;
  /** Fixed public text for `error_description`; never contains request data. */
  readonly description: string;
  /** Log-only explanation (which rule, by how much); never sent to the client. */
  readonly detail: string | undefined;
  /**
   * The `WWW-Authenticate` header value to send with this error, when it has one (then `status` is 401).
   * RFC 6749 §5.2: an `invalid_client` answer to a client that used the Authorization header.
   */
  readonly wwwAuthenticate: string | undefined;

  constructor(code: OAuthErrorCode, options: OAuthErrorOptions = {}) {
    const [declared, description, status] = ERROR_CODES[code] as readonly [OAuthErrorName, string, number?];
    const error = options.use === 'client' && declared === 'invalid_grant' ? 'invalid_client' : declared;
    super(options.detail === undefined ? `${code}: ${description}` : `${code}: ${description} (${options.detail})`, {
      cause: options.cause,
    });
    this.name = 'OAuthError';
    this.code = code;
    this.error = error;
    this.wwwAuthenticate = error === 'invalid_client' ? options.wwwAuthenticate : undefined;
    this.status = this.wwwAuthenticate === undefined ? (status ?? STATUS[error]) : 401;
    this.description = description;
    this.detail = options.detail;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The RFC 6749 §5.2 response body: `{ error, error_description }`. */
  toJSON(): { error: OAuthErrorName; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

/**
 * True for an {@link OAuthError} from any copy of this library (ESM or CJS build, or two installed versions).
 * `instanceof` is not enough when both builds are loaded in one process.
 */
export function isOAuthError(value: unknown): value is OAuthError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Re-expresses a grant-assertion error as a client-assertion one (`invalid_grant` → `invalid_client`). */
export function toClientError(error: OAuthError): OAuthError {
  if (error.error !== 'invalid_grant') return error;
  return new OAuthError(error.code, { detail: error.detail, cause: error.cause, use: 'client', wwwAuthenticate: error.wwwAuthenticate });
}
