import type { AssertionExplanation } from './explain-assertion.js';
import type { ExplainStatus } from './step-recorder.js';

const LABEL: Record<ExplainStatus, string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/**
 * Renders an {@link AssertionExplanation} as text, one line per rule, then the verdict:
 *
 * ```text
 * grant assertion, judged at 2030-01-01T00:02:41Z
 *   PASS J1   Compact JWS of JSON objects, within the size cap: 'ES256' JWS, 611 characters (max 8192)
 *   FAIL J10  exp present and not past: exp is 41 s in the past, tolerance 30 s [ERR_JWT_BEARER_ASSERTION_EXPIRED]
 *   ...
 * REJECTED: invalid_grant (ERR_JWT_BEARER_ASSERTION_EXPIRED) The assertion has expired.
 * ```
 *
 * Server-side only, like the explanation: it quotes the assertion's values.
 */
export function formatExplanation(explanation: AssertionExplanation): string {
  const when = explanation.checkedAt.toISOString().replace('.000Z', 'Z');
  const lines = [`${explanation.use} assertion, judged at ${when}`];
  for (const step of explanation.steps) {
    const code = step.code === undefined ? '' : ` [${step.code}]`;
    lines.push(`  ${LABEL[step.status]} ${step.rule.padEnd(4)} ${step.title}: ${step.reason}${code}`);
  }
  const { error } = explanation;
  lines.push(
    error === undefined
      ? 'ACCEPTED (dry run: the jti was not consumed, so a replay is not detected here)'
      : `REJECTED: ${error.error} (${error.code}) ${error.description}`,
  );
  return lines.join('\n');
}
