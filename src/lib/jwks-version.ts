import type { Jwk, JwsHeader, TrustedKey } from '../ports/client-key-resolver.js';
import { describeKey } from './keys.js';

/** Reasons kept per refused key, at most this many (a detail for logs, not a dump). */
const MAX_REASONS = 5;
const MAX_REASON_LENGTH = 200;

/** One fetched JWKS document, its keys checked once. */
export interface JwksVersion {
  /** The document as fetched (JSON text), to tell a changed set from a refetched identical one. */
  readonly fingerprint: string;
  /** The keys that passed key hygiene, frozen: what the issuer is trusted with. */
  readonly keys: readonly TrustedKey[];
  /** Why keys were refused (first few), for the log detail when no usable key remains. */
  readonly skipped: readonly string[];
  readonly skippedCount: number;
  /**
   * False when the header names a key (by `kid`, else `x5t#S256`, else `x5t`, the order the signature check
   * uses) that this set does not have, usable or not: the issuer may have rotated, a refetch may find it.
   */
  knows(header: JwsHeader): boolean;
}

const own = (object: Readonly<Record<string, unknown>>, name: string): unknown =>
  Object.hasOwn(object, name) ? object[name] : undefined;

function hint(header: JwsHeader): [label: 'kid' | 'x5t#S256' | 'x5t', value: unknown] | undefined {
  for (const label of ['kid', 'x5t#S256', 'x5t'] as const) {
    const value = own(header, label);
    if (value !== undefined) return [label, value];
  }
  return undefined;
}

function addLabels(labels: Map<string, Set<string>>, jwk: Readonly<Record<string, unknown>>): void {
  for (const label of ['kid', 'x5t#S256', 'x5t']) {
    const value = own(jwk, label);
    if (typeof value === 'string') labels.get(label)?.add(value);
  }
}

/**
 * Checks every key of a fetched JWKS with the same hygiene as configured keys (`describeKey`: RSA under 2048
 * bits, `use` other than `sig`, `key_ops` without `verify`, private members, an `x5c` that does not hold the
 * key, unsupported types) and refuses symmetric (`oct`) keys outright: a published key is no shared secret.
 * Refused keys are dropped, not fatal; their reasons are kept.
 *
 * @param jwks - a document already shaped `{ keys: object[] }` (checked by jose).
 */
export async function toJwksVersion(jwks: unknown): Promise<JwksVersion> {
  const entries = ((jwks as { keys?: unknown } | null)?.keys ?? []) as ReadonlyArray<Readonly<Record<string, unknown>>>;
  const keys: TrustedKey[] = [];
  const skipped: string[] = [];
  let skippedCount = 0;
  const labels = new Map<string, Set<string>>([
    ['kid', new Set()],
    ['x5t#S256', new Set()],
    ['x5t', new Set()],
  ]);
  for (const [index, entry] of entries.entries()) {
    addLabels(labels, entry);
    const path = `keys[${index}]`;
    let reason: string | undefined;
    if (own(entry, 'kty') === 'oct') {
      reason = `${path}: a symmetric ("oct") key is never trusted from a JWKS`;
    } else {
      try {
        const key = Object.freeze({ ...entry }) as Jwk;
        const descriptor = describeKey(key, path);
        const prints = await descriptor.thumbprints();
        if (prints.x5tS256 !== undefined) labels.get('x5t#S256')?.add(prints.x5tS256);
        if (prints.x5t !== undefined) labels.get('x5t')?.add(prints.x5t);
        keys.push(key);
      } catch (error) {
        reason = error instanceof TypeError ? error.message : `${path}: unreadable`;
      }
    }
    if (reason !== undefined) {
      skippedCount++;
      if (skipped.length < MAX_REASONS) skipped.push(reason.slice(0, MAX_REASON_LENGTH));
    }
  }
  return Object.freeze({
    fingerprint: JSON.stringify(jwks),
    keys: Object.freeze(keys),
    skipped: Object.freeze(skipped),
    skippedCount,
    knows(header: JwsHeader) {
      const named = hint(header);
      if (named === undefined) return true;
      const [label, value] = named;
      // A malformed hint is refused by the signature check; it is no reason to fetch.
      if (typeof value !== 'string' || value === '') return true;
      return labels.get(label)?.has(value) === true;
    },
  });
}
