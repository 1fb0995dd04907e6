import { isOAuthError, OAuthError } from '../errors.js';
import type { CompiledOptions, SubjectAuthorizationContext } from '../options.js';
import { checkScopeAllowed, isScopeToken } from './scope.js';

async function callHook<T>(hook: () => T | Promise<T>, name: string): Promise<T> {
  try {
    return await hook();
  } catch (error) {
    // A hook may refuse with its own OAuthError; anything else is the server's failure, not the client's.
    if (isOAuthError(error)) throw error;
    throw new OAuthError('ERR_JWT_BEARER_POLICY_HOOK_FAILED', { detail: `${name} threw`, cause: error });
  }
}

/**
 * Runs `authorizeSubject` (after the static `subjects` rule passed): it can only narrow.
 * @throws {OAuthError} `ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED` when it returns anything but `true`;
 *   `ERR_JWT_BEARER_POLICY_HOOK_FAILED` (500) when it throws.
 */
export async function authorizeSubject(options: CompiledOptions, context: SubjectAuthorizationContext): Promise<void> {
  const hook = options.authorizeSubject;
  if (hook === undefined) return;
  if ((await callHook(() => hook(context), 'authorizeSubject')) !== true) {
    throw new OAuthError('ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', { detail: 'authorizeSubject refused' });
  }
}

/** SPEC S2 without a hook: the requested scope, when it is within the issuer's `scopes`. */
export function grantStaticScope(allowed: ReadonlySet<string> | undefined, requested: readonly string[]): string[] {
  checkScopeAllowed(requested, allowed);
  return [...requested];
}

/**
 * SPEC S2: decides the granted scope. The requested scope must be within the issuer's `scopes` (when set, or
 * always when there is no hook); the hook then returns the scope to grant (or `false` to refuse), and what it
 * returns must also stay within the issuer's `scopes`.
 * @throws {OAuthError} `ERR_JWT_BEARER_SCOPE_NOT_ALLOWED`; `ERR_JWT_BEARER_POLICY_HOOK_FAILED` (500) when the hook
 *   throws or returns something that is not a list of scope tokens.
 */
export async function grantScope(
  options: CompiledOptions,
  allowed: ReadonlySet<string> | undefined,
  requested: readonly string[],
  context: SubjectAuthorizationContext,
): Promise<string[]> {
  const hook = options.authorizeScope;
  if (hook === undefined) return grantStaticScope(allowed, requested);
  if (allowed !== undefined) checkScopeAllowed(requested, allowed);
  const granted = await callHook(
    () => hook({ ...context, requested, allowed: allowed && [...allowed] }),
    'authorizeScope',
  );
  if (granted === false) throw new OAuthError('ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { detail: 'authorizeScope refused' });
  if (!Array.isArray(granted) || !granted.every((token) => typeof token === 'string' && isScopeToken(token))) {
    throw new OAuthError('ERR_JWT_BEARER_POLICY_HOOK_FAILED', { detail: 'authorizeScope must return false or an array of scope tokens' });
  }
  if (allowed !== undefined) checkScopeAllowed(granted, allowed);
  // RFC 6749 §5.1 would then require a "scope" in the response, and an empty scope cannot be written (§3.3).
  if (granted.length === 0 && requested.length > 0) {
    throw new OAuthError('ERR_JWT_BEARER_SCOPE_NOT_ALLOWED', { detail: 'authorizeScope granted none of the requested scope' });
  }
  return [...new Set<string>(granted)];
}
