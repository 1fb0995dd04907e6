import type { JwsHeader } from './ports/client-key-resolver.js';
import type { TokenResponse } from './ports/token-issuer.js';

/** A verified RFC 7523 §2.1 authorization grant: what `verifyJwtBearerGrant` resolves. */
export interface JwtBearerGrant {
  /** The assertion's `iss`: the trusted issuer that signed it. */
  issuer: string;
  /** The principal the token is for: `sub`, or the issuer itself when its policy lets `sub` be absent. */
  subject: string;
  /** The assertion's `aud`, as an array (every value identifies this server). */
  audience: string[];
  /** The granted scope (RFC 6749 §3.3 tokens, duplicates removed). */
  scope: string[];
  /** The assertion's `jti`, when present. */
  jti?: string;
  /** When the assertion expires (`exp`). */
  expiresAt: Date;
  /** Every claim of the verified assertion. */
  claims: Readonly<Record<string, unknown>>;
  /** The verified protected header. */
  header: Readonly<JwsHeader>;
  /** The token response, when a `tokenIssuer` was configured. */
  token?: TokenResponse;
}
