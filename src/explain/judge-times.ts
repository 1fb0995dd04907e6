import { readMember } from '../checks/claim.js';
import { checkTimes } from '../checks/time.js';
import { isoDate, seconds } from './quote.js';
import { attempt, detailOf, type StepRecorder } from './step-recorder.js';

function only(claims: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(claims, name)) picked[name] = claims[name];
  return picked;
}

/**
 * J10-J13 with the real `checkTimes`, one rule at a time: it stops at its first refusal, so each rule is shown
 * only its own claims. nbf and iat are judged next to a neutral `exp` (= now) and without a lifetime cap, so only
 * their own rule can refuse.
 */
export async function judgeTimes(
  claims: Readonly<Record<string, unknown>>,
  now: number,
  policy: { clockTolerance: number; maxLifetime: number; note: string },
  steps: StepRecorder,
): Promise<void> {
  const { clockTolerance, maxLifetime } = policy;
  const uncapped = { clockTolerance, maxLifetime: Number.POSITIVE_INFINITY };
  const run = (subset: Record<string, unknown>, cap = uncapped) => attempt(() => checkTimes(subset, now, cap));
  const number = (name: string): number => readMember(claims, name) as number;

  const exp = await run(only(claims, ['exp']));
  steps.record('exp', exp, (value) => value >= now
    ? `exp ${isoDate(value)} is ${seconds(value - now)} ahead`
    : `exp ${isoDate(value)} is ${seconds(now - value)} in the past, within the tolerance of ${clockTolerance} s`,
  (error) => (error.code === 'ERR_JWT_BEARER_EXPIRATION_MISSING' ? 'no exp claim' : detailOf(error)));

  for (const name of ['nbf', 'iat'] as const) {
    if (!Object.hasOwn(claims, name)) {
      steps.pass(name, `${name} absent (optional)`);
      continue;
    }
    steps.record(name, await run({ exp: now, [name]: readMember(claims, name) }), () => {
      const value = number(name);
      return value <= now
        ? `${name} ${isoDate(value)} is ${seconds(now - value)} ago`
        : `${name} ${isoDate(value)} is ${seconds(value - now)} ahead, within the tolerance of ${clockTolerance} s`;
    });
  }

  const lifetime = await run(only(claims, ['exp', 'iat']), { clockTolerance, maxLifetime });
  if (!lifetime.ok && lifetime.error.code !== 'ERR_JWT_BEARER_LIFETIME_TOO_LONG') {
    steps.skip('lifetime', 'not judged: exp or iat was refused above');
    return;
  }
  const limit = `max lifetime ${maxLifetime} s${policy.note}, tolerance ${clockTolerance} s`;
  steps.record('lifetime', lifetime, (value) => {
    const iat = readMember(claims, 'iat');
    return `exp is ${seconds(Math.max(0, value - now))} ahead${typeof iat === 'number' ? `, exp - iat is ${seconds(value - iat)}` : ''}; ${limit}`;
  }, (error) => `${detailOf(error)}${policy.note}`);
}
