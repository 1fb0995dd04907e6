import type { KeyObject } from 'node:crypto';
import { DEFAULT_ALGORITHMS } from '../constants.js';
import { CliError } from './cli-error.js';

/** The algorithms keygen and sign support: every asymmetric one the verifier accepts by default. */
export const CLI_ALGORITHMS: readonly string[] = DEFAULT_ALGORITHMS;

/** Refuses an algorithm the CLI does not know, listing the ones it does. */
export function checkAlgorithm(alg: string, flag: string): void {
  if (!CLI_ALGORITHMS.includes(alg)) {
    throw new CliError(`${flag}: unknown algorithm ${JSON.stringify(alg)} (supported: ${CLI_ALGORITHMS.join(', ')})`);
  }
}

const EC_ALGORITHMS: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** The algorithms a private key can sign with, the first being the default. */
export function algorithmsFor(key: KeyObject): readonly string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const alg = EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg === undefined ? [] : [alg];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

/** A short name of a key's type for messages: `RSA`, `EC secp384r1`, `ed25519`. */
export function describeKeyType(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `${key.asymmetricKeyType === 'rsa' ? 'RSA' : (key.asymmetricKeyType ?? 'unknown')}${curve === undefined ? '' : ` ${curve}`}`;
}
