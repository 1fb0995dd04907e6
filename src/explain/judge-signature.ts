import type { DecodedAssertion } from '../checks/decode-assertion.js';
import { checkSignature } from '../checks/signature.js';
import type { KeyDescriptor } from '../lib/keys.js';
import { describeKeyChoice, describeKeyFailure } from './describe.js';
import { quote } from './quote.js';
import { attempt, detailOf, type StepRecorder } from './step-recorder.js';

/**
 * J3, J4 and J15 with the one real check that enforces them together, `checkSignature`: its error code says which
 * rule refused (alg allowlist and key fit, key selection, or the signature), and the rules after it are skipped.
 * An error with a `cause` came from the signature verification itself (a jose error, translated).
 */
export async function judgeSignature(
  decoded: DecodedAssertion,
  keys: readonly KeyDescriptor[],
  algorithms: ReadonlySet<string>,
  nowMs: number,
  steps: StepRecorder,
): Promise<void> {
  const { header } = decoded;
  const alg = quote(header.alg);
  const outcome = await attempt(() => checkSignature(decoded, keys, algorithms, nowMs));
  if (outcome.ok) {
    steps.pass('alg', `alg ${alg} is allowed and fits the key`);
    steps.pass('key', describeKeyChoice(header, keys));
    steps.pass('signature', 'verified with a configured key');
    return;
  }
  const { error } = outcome;
  const fromVerification = error.cause !== undefined;
  if (!fromVerification && error.code === 'ERR_JWT_BEARER_ALG_NOT_ALLOWED') {
    steps.fail('alg', error, `alg ${alg} is not in the allowlist (${[...algorithms].join(', ')})`);
    steps.skip('key', 'not judged: the alg was refused first');
    steps.skip('signature', 'not judged: no usable key');
  } else if (!fromVerification && error.code === 'ERR_JWT_BEARER_ALG_KEY_MISMATCH') {
    steps.fail('alg', error, describeKeyFailure(error, header, keys));
    steps.pass('key', describeKeyChoice(header, keys));
    steps.skip('signature', 'not judged: no usable key');
  } else if (!fromVerification && (error.code === 'ERR_JWT_BEARER_KEY_NOT_FOUND' || error.code === 'ERR_JWT_BEARER_ASSERTION_MALFORMED')) {
    steps.pass('alg', `alg ${alg} is in the allowlist`);
    steps.fail('key', error, describeKeyFailure(error, header, keys));
    steps.skip('signature', 'not judged: no key found');
  } else {
    steps.pass('alg', `alg ${alg} is allowed and fits the key`);
    steps.pass('key', describeKeyChoice(header, keys));
    const hint = error.code === 'ERR_JWT_BEARER_SIGNATURE_INVALID' && !fromVerification ? ': signed with another key, or altered after signing' : '';
    steps.fail('signature', error, `${detailOf(error)}${hint}`);
  }
}
