/**
 * Remembers consumed assertion identifiers (`jti`) until the assertion could no longer be accepted anyway.
 *
 * Contract:
 * - `consume` is ONE atomic set-if-absent: of any number of concurrent calls with the same `key`, across every
 *   process that shares the store, exactly one resolves `true`. Never implement it as read-then-write across an
 *   await.
 * - `key` is built by the library, unambiguous for (use, issuer, jti); treat it as opaque (hash it if your
 *   engine limits key length).
 * - `expiresAt` is epoch milliseconds; the entry must be kept at least until then and may be dropped after.
 * - A store that cannot answer (unreachable, timed out, full of live entries) THROWS. The verifier then refuses
 *   the request with `temporarily_unavailable` (503): it never accepts an assertion it could not record.
 *
 * @see RFC 7523 §3 item 7, SPEC J14 / F1 / F2
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAt` (epoch ms).
   * @returns `true` when the key was not present (first use), `false` when it was already recorded (a replay).
   * @throws when the store cannot give a definite answer.
   */
  consume(key: string, expiresAt: number): Promise<boolean>;
}
