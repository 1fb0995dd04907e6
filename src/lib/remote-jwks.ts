import { createRemoteJWKSet, customFetch, type FetchImplementation } from 'jose';
import { readCappedStream } from './read-capped.js';

/** How one JWKS URL is fetched. */
export interface JwksFetchPolicy {
  /** Request timeout, milliseconds (real time: a network deadline, not the verifier's clock). */
  readonly timeoutMs: number;
  /** Largest accepted response body, bytes. */
  readonly maxResponseBytes: number;
  /** Allow `http:` besides `https:`. */
  readonly allowHttp: boolean;
}

/** A JWKS fetch that failed, with a log-safe reason (no response content). */
export class JwksFetchError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'JwksFetchError';
  }
}

async function readCapped(response: Response, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError(`the response is larger than ${max} bytes`);
  }
  if (response.body === null) return new Uint8Array();
  const body = await readCappedStream(response.body, max);
  if (body === undefined) throw new JwksFetchError(`the response is larger than ${max} bytes`);
  return body;
}

function cappedFetch(policy: JwksFetchPolicy): FetchImplementation {
  return async (url, init) => {
    const protocol = new URL(url).protocol;
    if (protocol !== 'https:' && !(policy.allowHttp && protocol === 'http:')) {
      throw new JwksFetchError(`the JWKS URL scheme ${protocol} is not allowed`);
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      // jose turns a TimeoutError into JWKSTimeout; anything else is the network.
      if ((error as Error | null)?.name === 'TimeoutError') throw error;
      throw new JwksFetchError('the request failed (network error)', { cause: error });
    }
    // jose asks for redirect: 'manual', so a redirect arrives here as a 3xx and is refused.
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksFetchError(`the response status is ${response.status}, not 200`);
    }
    const body = await readCapped(response, policy.maxResponseBytes);
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

// jose errors by code (never by message).
function toFetchError(error: unknown, policy: JwksFetchPolicy): JwksFetchError {
  if (error instanceof JwksFetchError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_JWKS_TIMEOUT') return new JwksFetchError(`the request timed out after ${policy.timeoutMs} ms`, { cause: error });
  if (code === 'ERR_JWKS_INVALID') return new JwksFetchError('the response is not a JWKS ({"keys": [objects]})', { cause: error });
  if ((error as { cause?: unknown } | null)?.cause instanceof SyntaxError) {
    return new JwksFetchError('the response is not JSON', { cause: error });
  }
  return new JwksFetchError('the JWKS could not be fetched', { cause: error });
}

/**
 * A fetcher for one JWKS URL built on jose's `createRemoteJWKSet`: jose sends the request (GET, `Accept:
 * application/json, application/jwk-set+json`, redirects not followed, `timeoutDuration`), parses the JSON,
 * checks the `{ keys: [...] }` shape and keeps a structured-clone snapshot; its `customFetch` hook adds the scheme
 * check, the status check and the response-size cap. Freshness and cooldown are NOT delegated to jose (its
 * `fresh`/`coolingDown` read the wall clock directly): the caller calls this only when it decided to fetch, on its own clock.
 *
 * @returns a function that fetches now and resolves the JWKS, or rejects with a {@link JwksFetchError}.
 */
export function createJwksFetcher(url: URL, policy: JwksFetchPolicy): () => Promise<unknown> {
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: policy.timeoutMs,
    cooldownDuration: 0,
    cacheMaxAge: Number.POSITIVE_INFINITY,
    [customFetch]: cappedFetch(policy),
  });
  return async () => {
    try {
      await remote.reload();
    } catch (error) {
      throw toFetchError(error, policy);
    }
    return remote.jwks();
  };
}
