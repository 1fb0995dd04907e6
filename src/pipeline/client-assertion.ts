import { checkClientAudience } from '../checks/audience.js';
import { readStringClaim } from '../checks/claim.js';
import { consumeJti, toReplayKey } from '../checks/replay.js';
import type { VerifiedClient } from '../client.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '../constants.js';
import { isOAuthError, OAuthError, toClientError } from '../errors.js';
import { isHmacAlgorithm } from '../lib/keys.js';
import { requirePort, type CompiledOptions } from '../options.js';
import type { FormParameters } from '../request/parse-form.js';
import { verifyAssertion } from './verify-assertion.js';

/** A client assertion that passed every check; its `jti` is consumed by `commit()`. */
export interface PendingClient {
  readonly client: VerifiedClient;
  /**
   * Consumes the client assertion's `jti` (RFC 7523 §3 item 7). The token endpoint calls it only after the rest
   * of the request passed too, so a request refused for another reason does not burn the client's assertion.
   */
  commit(): Promise<void>;
}

const asClientError = (error: unknown): unknown => (isOAuthError(error) ? toClientError(error) : error);

/**
 * JWT client authentication (RFC 7523 §2.2, §3 in the client form) from the request parameters, up to but not
 * including the replay consume. Every failure of the assertion itself is `invalid_client` (RFC 7521 §4.2.1); a
 * malformed request stays `invalid_request`.
 */
export async function checkClientAssertion(params: FormParameters, config: CompiledOptions): Promise<PendingClient> {
  try {
    return await checkClient(params, config);
  } catch (error) {
    throw asClientError(error);
  }
}

async function checkClient(params: FormParameters, config: CompiledOptions): Promise<PendingClient> {
  const type = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  // RFC 7521 §4.2: both parameters are REQUIRED together (SPEC R9).
  if (type === undefined || assertion === undefined) throw new OAuthError('ERR_JWT_BEARER_CLIENT_ASSERTION_INCOMPLETE');
  // RFC 7523 §2.2: the JWT bearer client assertion type; RFC 6749 §5.2: an unsupported method is invalid_client.
  if (type !== JWT_BEARER_CLIENT_ASSERTION_TYPE) throw new OAuthError('ERR_JWT_BEARER_CLIENT_ASSERTION_TYPE_UNSUPPORTED');

  const { iss, issuer, header, claims, exp, jti } = await verifyAssertion(assertion, 'client', config, requirePort(config, 'clientKeyResolver'));
  // RFC 7523 §3 item 2 (client form): "the "sub" (subject) of the JWT MUST be the "client_id" of the OAuth client".
  const sub = readStringClaim(claims, 'sub');
  if (sub === undefined) throw new OAuthError('ERR_JWT_BEARER_SUBJECT_MISSING');
  if (sub !== iss) throw new OAuthError('ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', { detail: 'a client assertion needs sub = iss = client_id' });
  // SPEC R10 (RFC 7521 §4.2): a client_id parameter, when present, identifies the same client.
  const clientId = params.get('client_id');
  if (clientId !== undefined && clientId !== sub) throw new OAuthError('ERR_JWT_BEARER_CLIENT_ID_MISMATCH');
  checkClientAudience(claims, config.issuerAudience, issuer.audiences);

  const client: VerifiedClient = {
    clientId: iss,
    method: isHmacAlgorithm(header.alg) ? 'client_secret_jwt' : 'private_key_jwt',
    grantTypes: issuer.grantTypes,
    scopes: issuer.scopes && [...issuer.scopes],
    expiresAt: new Date(exp * 1000),
    claims,
    header,
  };
  if (jti !== undefined) client.jti = jti;
  const consume = jti !== undefined && (issuer.singleUse ?? true);
  return {
    client,
    async commit() {
      if (!consume) return;
      try {
        // RFC 7523 §3 item 7, in the client namespace: a grant assertion and a client assertion never collide.
        await consumeJti(config.replayStore, toReplayKey('client', iss, jti), (exp + config.clockTolerance) * 1000);
      } catch (error) {
        throw asClientError(error);
      }
    },
  };
}
