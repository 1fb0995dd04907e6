/**
 * Where the verifier reads the current time. Every time rule (RFC 7523 §3 items 4-6) and every replay-store
 * expiry uses it, so a fake clock makes all of them testable without sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. Must not throw. */
  now(): number;
}
