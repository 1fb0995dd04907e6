import { checkAudience } from '../checks/audience.js';
import { authorizeSubject, grantScope, grantStaticScope } from '../checks/policy-hooks.js';
import { consumeJti, toReplayKey } from '../checks/replay.js';
import { readRequestedScope } from '../checks/scope.js';
import { checkSubject } from '../checks/subject.js';
import { issueToken } from '../checks/token.js';
import type { AuthenticatedClient } from '../client.js';
import { JWT_BEARER_GRANT_TYPE } from '../constants.js';
import { OAuthError } from '../errors.js';
import type { JwtBearerGrant } from '../grant.js';
import { requirePort, type CompiledOptions } from '../options.js';
import type { FormParameters } from '../request/parse-form.js';
import { verifyAssertion } from './verify-assertion.js';

/**
 * The JWT bearer grant from the `assertion` parameter on: RFC 7523 §2.1 and §3 in their grant form, then the
 * token. `client` is the client the caller authenticated, if any; `beforeConsume` runs right before the grant's
 * jti is consumed (the token endpoint spends the client assertion's jti there).
 */
export async function verifyGrant(
  params: FormParameters,
  config: CompiledOptions,
  client: AuthenticatedClient | undefined,
  beforeConsume?: () => Promise<void>,
): Promise<JwtBearerGrant> {
  // RFC 7521 §4.1: assertion REQUIRED, a single JWT (RFC 7523 §2.1).
  const assertion = params.get('assertion');
  if (assertion === undefined) throw new OAuthError('ERR_JWT_BEARER_ASSERTION_MISSING');
  const verified = await verifyAssertion(assertion, 'grant', config, requirePort(config, 'keyResolver'));
  const { iss, issuer, header, claims, exp, jti } = verified;

  const audience = checkAudience(claims, issuer.audiences ?? config.audiences);
  const subject = checkSubject(claims, iss, {
    subjects: issuer.subjects ?? 'self',
    requireSubject: issuer.requireSubject ?? true,
  });
  const context = { issuer: iss, subject, claims, header };
  if (config.authorizeSubject !== undefined) await authorizeSubject(config, context);
  const requestedScope = readRequestedScope(params.get('scope'), claims);
  const scope = config.authorizeScope === undefined ? grantStaticScope(issuer.scopes, requestedScope) : await grantScope(config, issuer.scopes, requestedScope, context);

  // The client's own assertion (if any) is spent only now that the grant passed too.
  if (beforeConsume !== undefined) await beforeConsume();
  // RFC 7523 §3 item 7: consume the jti only now that everything else passed; keep it until exp + tolerance.
  if (jti !== undefined && (issuer.singleUse ?? true)) {
    await consumeJti(config.replayStore, toReplayKey('grant', iss, jti), (exp + config.clockTolerance) * 1000);
  }

  const grant: JwtBearerGrant = { issuer: iss, subject, audience, scope, expiresAt: new Date(exp * 1000), claims, header };
  if (jti !== undefined) grant.jti = jti;
  if (config.tokenIssuer !== undefined) {
    grant.token = await issueToken(config.tokenIssuer, {
      grantType: JWT_BEARER_GRANT_TYPE,
      subject,
      scope,
      requestedScope,
      client,
      grant: { ...grant },
    });
  }
  return grant;
}
