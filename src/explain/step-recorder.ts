import { isOAuthError, type OAuthError, type OAuthErrorCode } from '../errors.js';

/** `pass`: the rule holds; `fail`: it refuses the assertion; `skip`: it could not be judged (or is not run). */
export type ExplainStatus = 'pass' | 'fail' | 'skip';

/** One rule of the pipeline, as {@link explainAssertion} judged it. */
export interface ExplainStep {
  /** The SPEC rule id: `J1` to `J16`, `S1`, `S2`. */
  rule: string;
  /** What the rule requires, in a few words. */
  title: string;
  status: ExplainStatus;
  /** Why, for an operator: may quote the assertion's values (escaped and cut to 120 characters). */
  reason: string;
  /** The error code the check raised, on `fail`. */
  code?: OAuthErrorCode;
}

/** The checks of the pipeline, in the order it runs them. */
export type StepName =
  | 'decode'
  | 'crit'
  | 'typ'
  | 'issuer'
  | 'alg'
  | 'key'
  | 'signature'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'lifetime'
  | 'jti'
  | 'audience'
  | 'subject'
  | 'scope'
  | 'scope-policy'
  | 'replay';

const SHARED: readonly StepName[] = ['decode', 'crit', 'typ', 'issuer', 'alg', 'key', 'signature', 'exp', 'nbf', 'iat', 'lifetime', 'jti'];
// pipeline/grant.ts and pipeline/client-assertion.ts: what follows verifyAssertion in each.
const ORDER: Record<'grant' | 'client', readonly StepName[]> = {
  grant: [...SHARED, 'audience', 'subject', 'scope', 'scope-policy', 'replay'],
  client: [...SHARED, 'subject', 'audience', 'replay'],
};

function describeStep(name: StepName, use: 'grant' | 'client'): { rule: string; title: string } {
  const grant = use === 'grant';
  switch (name) {
    case 'decode':
      return { rule: 'J1', title: 'Compact JWS of JSON objects, within the size cap' };
    case 'crit':
      return { rule: 'J5', title: 'No crit or b64 header' };
    case 'typ':
      return { rule: 'J6', title: `typ accepted for a ${use} assertion` };
    case 'issuer':
      return { rule: 'J7', title: grant ? 'iss present and a trusted issuer' : 'iss present and a registered client_id' };
    case 'alg':
      return { rule: 'J3', title: 'alg allowed and fits the key' };
    case 'key':
      return { rule: 'J4', title: 'Key found among the configured keys' };
    case 'signature':
      return { rule: 'J15', title: 'Signature verifies' };
    case 'exp':
      return { rule: 'J10', title: 'exp present and not past' };
    case 'nbf':
      return { rule: 'J11', title: 'nbf reached' };
    case 'iat':
      return { rule: 'J12', title: 'iat not in the future' };
    case 'lifetime':
      return { rule: 'J13', title: 'Lifetime within maxLifetime' };
    case 'jti':
      return { rule: 'J14', title: 'jti present' };
    case 'audience':
      return { rule: 'J9', title: grant ? 'aud identifies this server' : 'aud is this server\'s issuer, alone' };
    case 'subject':
      return { rule: 'J8', title: grant ? 'sub allowed for this issuer' : 'sub = iss = client_id' };
    case 'scope':
      return { rule: 'S1', title: 'Requested scope well-formed' };
    case 'scope-policy':
      return { rule: 'S2', title: 'Scope within what the issuer may be granted' };
    case 'replay':
      return { rule: 'J14', title: 'jti single use (replay store)' };
  }
}

/** What running a check gave: its value, or the OAuthError it raised. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: OAuthError };

/** Runs a real check and keeps its OAuthError as data; anything else (a bug, a bad option) is rethrown. */
export async function attempt<T>(check: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await check() };
  } catch (error) {
    if (isOAuthError(error)) return { ok: false, error };
    throw error;
  }
}

/** The log-only explanation an error carries. */
export const detailOf = (error: OAuthError): string => error.detail ?? error.description;

/** Collects one step per check, in pipeline order. */
export class StepRecorder {
  readonly #use: 'grant' | 'client';
  readonly #done = new Map<StepName, ExplainStep>();

  constructor(use: 'grant' | 'client') {
    this.#use = use;
  }

  /** The steps recorded, in pipeline order. */
  get steps(): ExplainStep[] {
    return ORDER[this.#use].flatMap((name) => this.#done.get(name) ?? []);
  }

  get hasFailed(): boolean {
    return [...this.#done.values()].some((step) => step.status === 'fail');
  }

  pass(name: StepName, reason: string): void {
    this.#add(name, 'pass', reason);
  }

  skip(name: StepName, reason: string): void {
    this.#add(name, 'skip', reason);
  }

  fail(name: StepName, error: OAuthError, reason = detailOf(error)): void {
    this.#add(name, 'fail', reason, error.code);
  }

  /** Records an outcome: `onPass` describes the value; `onFail` (default: the error's detail) the refusal. */
  record<T>(name: StepName, outcome: Outcome<T>, onPass: (value: T) => string, onFail?: (error: OAuthError) => string): T | undefined {
    if (outcome.ok) {
      this.pass(name, onPass(outcome.value));
      return outcome.value;
    }
    this.fail(name, outcome.error, onFail?.(outcome.error));
    return undefined;
  }

  /** Marks every check not recorded yet as skipped, with the same reason. */
  skipRest(reason: string): void {
    for (const name of ORDER[this.#use]) if (!this.#done.has(name)) this.skip(name, reason);
  }

  #add(name: StepName, status: ExplainStatus, reason: string, code?: OAuthErrorCode): void {
    if (!ORDER[this.#use].includes(name) || this.#done.has(name)) return;
    const step: ExplainStep = { ...describeStep(name, this.#use), status, reason };
    if (code !== undefined) step.code = code;
    this.#done.set(name, step);
  }
}
