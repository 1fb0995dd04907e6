import { checkAudience, checkClientAudience } from '../checks/audience.js';
import { readMember } from '../checks/claim.js';
import { decodeAssertion } from '../checks/decode-assertion.js';
import { checkHeader } from '../checks/header.js';
import { readIssuer, resolveIssuer } from '../checks/issuer.js';
import { authorizeSubject, grantScope } from '../checks/policy-hooks.js';
import { readJti } from '../checks/replay.js';
import { readRequestedScope } from '../checks/scope.js';
import { checkSubject } from '../checks/subject.js';
import type { PreparedIssuer } from '../lib/trusted-issuer.js';
import type { CompiledOptions } from '../options.js';
import type { ClientKeyResolver, JwsHeader } from '../ports/client-key-resolver.js';
import { describeAudienceFailure, describeSubject } from './describe.js';
import { judgeSignature } from './judge-signature.js';
import { judgeTimes } from './judge-times.js';
import { quote } from './quote.js';
import { attempt, detailOf, type StepRecorder } from './step-recorder.js';

/** What the step-by-step run needs to know about the request. */
export interface JudgeInput {
  readonly assertion: string;
  readonly use: 'grant' | 'client';
  readonly config: CompiledOptions;
  readonly resolver: ClientKeyResolver;
  /** Epoch milliseconds. */
  readonly nowMs: number;
  /** The `scope` form parameter, if any (grants only). */
  readonly scope: string | undefined;
}

/** The decoded (unverified) assertion, when it could be decoded. */
export interface Decoded {
  readonly header: JwsHeader;
  readonly claims: Readonly<Record<string, unknown>>;
}

function pick(header: JwsHeader, names: readonly string[]): JwsHeader {
  const picked: JwsHeader = { alg: header.alg };
  for (const name of names) if (Object.hasOwn(header, name)) picked[name] = header[name];
  return picked;
}

/**
 * Runs every check of the pipeline on its own, in pipeline order, recording each outcome. Later checks still run
 * after a failure wherever they can be judged (time and audience rules after a bad signature, say). Never calls
 * the replay store.
 */
export async function judgeAssertion(input: JudgeInput, steps: StepRecorder): Promise<Decoded | undefined> {
  const { assertion, use, config, resolver, nowMs } = input;
  const decoded = steps.record(
    'decode',
    await attempt(() => decodeAssertion(assertion, config.maxAssertionSize)),
    (value) => `${quote(value.header.alg)} JWS, ${assertion.length} characters (max ${config.maxAssertionSize})`,
  );
  if (decoded === undefined) {
    steps.skipRest('not judged: the assertion could not be decoded');
    return undefined;
  }
  const { header, claims } = decoded;

  // checkHeader stops at its first refusal: shown one member at a time, it judges crit and typ apart.
  steps.record('crit', await attempt(() => checkHeader(pick(header, ['crit', 'b64']), use)), () => 'no crit or b64 member');
  const typ = readMember(header, 'typ');
  steps.record(
    'typ',
    await attempt(() => checkHeader(pick(header, ['typ']), use)),
    () => (typ === undefined ? 'typ absent' : `typ ${quote(typ)}`),
    (error) => `typ ${quote(typ)}: ${detailOf(error)}`,
  );

  const issRead = await attempt(() => readIssuer(claims));
  const iss = issRead.ok ? issRead.value : undefined;
  let issuer: PreparedIssuer | undefined;
  if (!issRead.ok) {
    steps.fail('issuer', issRead.error, issRead.error.code === 'ERR_JWT_BEARER_ISSUER_MISSING' ? 'no iss claim' : detailOf(issRead.error));
  } else {
    const issText = quote(issRead.value);
    issuer = steps.record(
      'issuer',
      await attempt(() => resolveIssuer(resolver, issRead.value, header, use)),
      (value) => `iss ${issText} is ${use === 'grant' ? 'a trusted issuer' : 'a registered client'} with ${value.keys.length} key(s)`,
      (error) =>
        error.code === 'ERR_JWT_BEARER_ISSUER_UNKNOWN'
          ? `iss ${issText} is not ${use === 'grant' ? 'a trusted issuer' : 'a registered client'} (${detailOf(error)})`
          : `iss ${issText}: ${detailOf(error)}`,
    );
  }

  if (issuer === undefined) {
    for (const name of ['alg', 'key', 'signature'] as const) steps.skip(name, 'not judged: no trusted issuer, so no keys');
  } else {
    await judgeSignature(decoded, issuer.keys, issuer.algorithms ?? config.algorithms, nowMs, steps);
  }

  await judgeTimes(claims, nowMs / 1000, {
    clockTolerance: config.clockTolerance,
    maxLifetime: issuer?.maxLifetime ?? config.maxLifetime,
    note: issuer === undefined ? ' (issuer unknown: the global maxLifetime)' : '',
  }, steps);

  const jti = steps.record(
    'jti',
    await attempt(() => readJti(claims, issuer?.requireJti ?? config.requireJti)),
    (value) => (value === undefined ? 'absent, and not required for this issuer' : `jti ${quote(value)}`),
    (error) => (error.code === 'ERR_JWT_BEARER_JTI_MISSING' ? 'no jti, and this issuer requires one (requireJti)' : detailOf(error)),
  );

  const judgeAudience = async (): Promise<void> => {
    const accepted = use === 'grant' ? (issuer?.audiences ?? config.audiences) : config.issuerAudience;
    const alsoAccepted = use === 'grant' ? undefined : issuer?.audiences;
    steps.record(
      'audience',
      await attempt(() => (use === 'grant' ? checkAudience(claims, accepted) : checkClientAudience(claims, accepted, alsoAccepted))),
      (values) => values.map((value) => `aud ${quote(value)} is the ${describeRole(value, config)}`).join('; '),
      (error) => describeAudienceFailure(error, claims, accepted, alsoAccepted, (value) => describeRole(value, config)),
    );
  };
  const judgeSubject = async (): Promise<string | undefined> => {
    if (iss === undefined) {
      steps.skip('subject', 'not judged: no iss to compare with');
      return undefined;
    }
    // Grants: the issuer's subjects policy. Clients: sub = iss (pipeline/client-assertion.ts), the 'self' rule.
    const policy = use === 'grant'
      ? { subjects: issuer?.subjects ?? 'self', requireSubject: issuer?.requireSubject ?? true }
      : { subjects: 'self' as const, requireSubject: true };
    const hookRuns = use === 'grant' && config.authorizeSubject !== undefined && issuer !== undefined && !steps.hasFailed;
    return steps.record(
      'subject',
      await attempt(async () => {
        const subject = checkSubject(claims, iss, policy);
        if (hookRuns) await authorizeSubject(config, { issuer: iss, subject, claims, header });
        return subject;
      }),
      (subject) => describeSubject(claims, iss, subject, policy.subjects) + (
        use === 'grant' && config.authorizeSubject !== undefined
          ? (hookRuns ? '; authorizeSubject agreed' : '; authorizeSubject not called (it runs only once every earlier rule passed)')
          : ''),
      (error) => `sub ${quote(readMember(claims, 'sub'))}, iss ${quote(iss)}: ${detailOf(error)}${issuer === undefined ? ' (issuer unknown: judged with the default subjects \'self\')' : ''}`,
    );
  };

  let subject: string | undefined;
  if (use === 'grant') {
    await judgeAudience();
    subject = await judgeSubject();
    const requested = steps.record(
      'scope',
      await attempt(() => readRequestedScope(input.scope, claims)),
      (scope) => scope.length === 0 ? 'no scope requested' : `requested ${quote(scope.join(' '))} (the ${input.scope === undefined ? 'scope claim' : 'scope parameter'})`,
    );
    if (requested === undefined) steps.skip('scope-policy', 'not judged: the requested scope is malformed');
    else if (issuer === undefined || iss === undefined) steps.skip('scope-policy', 'not judged: no trusted issuer, so no scope policy');
    else if (config.authorizeScope !== undefined && steps.hasFailed) {
      steps.skip('scope-policy', 'not judged: authorizeScope runs only once every earlier rule passed');
    } else {
      const scopes = issuer.scopes;
      const context = { issuer: iss, subject: subject ?? iss, claims, header };
      steps.record(
        'scope-policy',
        await attempt(() => grantScope(config, scopes, requested, context)),
        (granted) => (granted.length === 0 ? 'no scope granted (none requested)' : `granted ${quote(granted.join(' '))}`),
        (error) => `${detailOf(error)}${scopes === undefined ? '' : ` (issuer scopes: ${[...scopes].map((token) => quote(token)).join(' ') || 'none'})`}`,
      );
    }
  } else {
    subject = await judgeSubject();
    await judgeAudience();
  }

  if (jti === undefined) steps.skip('replay', 'nothing to consume: no jti');
  else if (issuer?.singleUse === false) steps.skip('replay', 'singleUse is off for this issuer: the jti is not consumed');
  else steps.skip('replay', `dry run, the replay store was not called: the endpoint consumes jti ${quote(jti)} last, once every rule above passed`);
  return decoded;
}

function describeRole(value: string, config: CompiledOptions): string {
  if (value === config.issuer) return 'issuer';
  return config.audiences.has(value) ? 'token endpoint' : 'issuer policy audience';
}
