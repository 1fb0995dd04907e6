import { readClock } from '../checks/time.js';
import { toMs } from '../defaults/clocks.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE } from '../constants.js';
import { isOAuthError, type OAuthError } from '../errors.js';
import {
  compileOptions,
  requirePort,
  type ClientAssertionOptions,
  type CompiledOptions,
  type JwtBearerGrantOptions,
  type TokenEndpointOptions,
} from '../options.js';
import { checkClientAssertion } from '../pipeline/client-assertion.js';
import { verifyGrant } from '../pipeline/grant.js';
import type { JwsHeader } from '../ports/client-key-resolver.js';
import type { ReplayStore } from '../ports/replay-store.js';
import { judgeAssertion } from './judge-assertion.js';
import { StepRecorder, type ExplainStep } from './step-recorder.js';

/** Options of {@link explainAssertion}. */
export interface ExplainAssertionOptions {
  /** `grant`: an RFC 7523 §2.1 `assertion`; `client`: an RFC 7523 §2.2 `client_assertion`. @defaultValue `'grant'` */
  use?: 'grant' | 'client';
  /** The time to judge at: a `Date` or epoch milliseconds. @defaultValue the options' `clock` */
  now?: Date | number;
  /** The `scope` form parameter sent with a grant, if any (S1: otherwise the `scope` claim is the request). */
  scope?: string;
}

/** The diagnosis of one assertion. Holds the assertion's claims: keep it server-side (logs, operator tools). */
export interface AssertionExplanation {
  use: 'grant' | 'client';
  /** True when the endpoint would accept the assertion, its jti not being a replay (not checked: dry run). */
  accepted: boolean;
  /** The time the rules were judged at. */
  checkedAt: Date;
  /** Every rule of the pipeline, in pipeline order. */
  steps: ExplainStep[];
  /** The refusal the endpoint would answer with, from the real pipeline (its `code`, `error`, `detail`). */
  error?: OAuthError;
  /** The decoded protected header (unverified when the signature fails). */
  header?: JwsHeader;
  /** The decoded claims (unverified when the signature fails). */
  claims?: Readonly<Record<string, unknown>>;
}

// The verdict comes from the real pipeline, on a copy of the options whose replay store consumes nothing.
const DRY_RUN_STORE: ReplayStore = Object.freeze({ consume: async () => true });

async function dryRun(assertion: string, use: 'grant' | 'client', config: CompiledOptions, nowMs: number, scope: string | undefined) {
  const dry: CompiledOptions = { ...config, replayStore: DRY_RUN_STORE, tokenIssuer: undefined, clock: { now: () => nowMs } };
  try {
    if (use === 'grant') {
      const params = new Map([['assertion', assertion], ...(scope === undefined || scope === '' ? [] : [['scope', scope] as [string, string]])]);
      await verifyGrant(params, dry, undefined);
    } else {
      // Never committed: commit() is what would consume the client assertion's jti.
      await checkClientAssertion(new Map([['client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE], ['client_assertion', assertion]]), dry);
    }
    return undefined;
  } catch (error) {
    if (isOAuthError(error)) return error;
    throw error;
  }
}

/**
 * Explains why an assertion would be accepted or refused: every rule of the pipeline, in order, with pass, fail
 * or skip and the exact reason ("exp is 41 s in the past, tolerance 30 s"; "aud 'https://as.example.com/'
 * differs from issuer identifier 'https://as.example.com' by a trailing slash"). Each rule is judged by the
 * same check the endpoint runs, and judging continues past a failure wherever a later rule can still be judged
 * (after a bad signature, `exp` and `aud` are still reported). The verdict and `error` come from the real
 * pipeline, run on the same options.
 *
 * **A dry run:** the replay store is never called, so a `jti` is never consumed and a replay is not detected.
 * The key resolver and the `authorizeSubject` / `authorizeScope` hooks are called as the endpoint calls them
 * (hooks only once every earlier rule passed).
 *
 * **Server-side only.** The reasons quote the assertion's own values (escaped, cut to 120 characters) and the
 * configuration: write them to your logs or an operator's terminal, never into a response to the client.
 *
 * @example
 * ```ts
 * const result = await handleTokenRequest(request, options)
 * if (result.error && assertion) {
 *   const explanation = await explainAssertion(assertion, options)
 *   log.info(formatExplanation(explanation))
 * }
 * ```
 * @throws TypeError for invalid options, or a missing `keyResolver` (`clientKeyResolver` for `use: 'client'`).
 * @throws {OAuthError} `ERR_JWT_BEARER_CLOCK_FAILED` when `now` is not given and the clock fails.
 * @see RFC 7523 §3; SPEC.md for the rule ids
 */
export async function explainAssertion(
  assertion: string,
  options: JwtBearerGrantOptions | ClientAssertionOptions | TokenEndpointOptions,
  settings: ExplainAssertionOptions = {},
): Promise<AssertionExplanation> {
  if (typeof assertion !== 'string') throw new TypeError('explainAssertion assertion: must be a string');
  const use = settings.use ?? 'grant';
  if (use !== 'grant' && use !== 'client') throw new TypeError("explainAssertion settings.use: must be 'grant' or 'client'");
  const config = compileOptions(options);
  const resolver = requirePort(config, use === 'grant' ? 'keyResolver' : 'clientKeyResolver');
  const nowMs = settings.now === undefined ? readClock(config.clock) : toMs(settings.now, 'explainAssertion settings.now');

  const steps = new StepRecorder(use);
  const decoded = await judgeAssertion({ assertion, use, config, resolver, nowMs, scope: settings.scope }, steps);
  const error = await dryRun(assertion, use, config, nowMs, settings.scope);
  const explanation: AssertionExplanation = { use, accepted: error === undefined, checkedAt: new Date(nowMs), steps: steps.steps };
  if (error !== undefined) explanation.error = error;
  if (decoded !== undefined) {
    explanation.header = decoded.header;
    explanation.claims = decoded.claims;
  }
  return explanation;
}
