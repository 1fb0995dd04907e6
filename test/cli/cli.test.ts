import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, RUN_BUILT_PROGRAM_TESTS, runCli, type CliRun } from './built-programs.js';

// Every test runs the BUILT CLI (node dist/cli.js) as a child process; independent runs go in parallel.

const ISSUER = 'https://as.example.com';
const TOKEN_ENDPOINT = 'https://as.example.com/oauth2/token';
const SERVICE = 'svc-reports@tenant.example.com';
const T0 = '2030-01-01T00:00:00Z';

let dir: string;
const path = (name: string): string => join(dir, name);
const decodePart = (jwt: string, index: number): unknown => JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString());

/** Exit 2 with exactly one line on stderr that matches `message`, and nothing on stdout. */
function expectInputError(run: CliRun, message: RegExp): void {
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr.trimEnd()).toMatch(message);
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
}

async function sign(args: string[], key = 'svc.private.jwk.json'): Promise<string> {
  const run = await runCli(['sign', '--key', path(key), '--iss', SERVICE, '--aud', TOKEN_ENDPOINT, '--now', T0, ...args]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout.trim();
}

/** explain with the server config, 10 s after T0 unless --now says otherwise. */
const explain = (assertion: string, args: string[] = []): Promise<CliRun> =>
  runCli(['explain', assertion, '--config', path('server.json'), '--now', '2030-01-01T00:00:10Z', ...args]);

describe.runIf(RUN_BUILT_PROGRAM_TESTS)('the jwt-bearer-grant CLI, built and run as a child process', () => {
  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'jwt-bearer-grant-cli-'));
    const made = await Promise.all([
      runCli(['keygen', '--alg', 'ES256', '--kid', 'reports-2026', '--out', path('svc')]),
      runCli(['keygen', '--alg', 'ES256', '--kid', 'reports-2026', '--out', path('other')]),
    ]);
    for (const run of made) expect(run.status, run.stderr).toBe(0);
    writeFileSync(path('server.json'), JSON.stringify({
      issuer: ISSUER,
      tokenEndpoint: TOKEN_ENDPOINT,
      clockTolerance: 30,
      trustedIssuers: { [SERVICE]: { keys: './svc.public.pem', scopes: ['reports.read'] } },
      clients: { 'client-1': { keys: ['./svc.public.jwk.json'] } },
    }));
  });
  afterAll(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('keygen', () => {
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
      it(`${alg}: prints the pair as JWK and PEM; an assertion signed with it verifies`, async () => {
        const run = await runCli(['keygen', '--alg', alg]);
        expect(run.status, run.stderr).toBe(0);
        const key = JSON.parse(run.stdout) as { alg: string; kid: string; publicJwk: object; privateJwk: object; publicPem: string; privatePem: string };
        expect(key.alg).toBe(alg);
        // The RFC 7638 thumbprint is the default kid: 43 base64url characters.
        expect(key.kid).toMatch(/^[\w-]{43}$/);
        expect(key.publicJwk).toMatchObject({ alg, use: 'sig', kid: key.kid });
        expect(key.publicJwk).not.toHaveProperty('d');
        expect(key.privateJwk).toMatchObject({ alg, kid: key.kid, d: expect.any(String) });
        expect(key.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
        expect(key.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

        writeFileSync(path(`${alg}.json`), run.stdout);
        writeFileSync(path(`${alg}.public.pem`), key.publicPem);
        const assertion = (await runCli(['sign', '--key', path(`${alg}.json`), '--iss', SERVICE, '--aud', ISSUER, '--now', T0])).stdout.trim();
        expect(decodePart(assertion, 0)).toEqual({ alg, typ: 'JWT', kid: key.kid });
        const verdict = await runCli(['explain', assertion, '--issuer', ISSUER, '--trust', `${SERVICE}=${path(`${alg}.public.pem`)}`, '--now', T0]);
        expect(verdict.stdout).toContain(`PASS J3   alg allowed and fits the key: alg '${alg}' is allowed`);
        expect(verdict.status, verdict.stdout).toBe(0);
      });
    }

    it('--out writes the private JWK and PKCS#8 PEM (mode 0600), the public JWK and SPKI PEM', () => {
      for (const [file, mode, start] of [
        ['svc.private.jwk.json', 0o600, '{'],
        ['svc.private.pem', 0o600, '-----BEGIN PRIVATE KEY-----'],
        ['svc.public.jwk.json', 0o644, '{'],
        ['svc.public.pem', 0o644, '-----BEGIN PUBLIC KEY-----'],
      ] as const) {
        expect(statSync(path(file)).mode & 0o777, file).toBe(mode);
        expect(readFileSync(path(file), 'utf8').startsWith(start), file).toBe(true);
      }
      expect(JSON.parse(readFileSync(path('svc.public.jwk.json'), 'utf8'))).toMatchObject({ kid: 'reports-2026', alg: 'ES256', use: 'sig' });
    });

    it('never overwrites key files without --force; refuses unknown algorithms, naming the supported ones', async () => {
      const [exists, hs256, bits] = await Promise.all([
        runCli(['keygen', '--out', path('svc')]),
        runCli(['keygen', '--alg', 'HS256']),
        runCli(['keygen', '--alg', 'ES256', '--bits', '4096']),
      ]);
      expectInputError(exists, /^jwt-bearer-grant: keygen: cannot write ".*svc\.private\.jwk\.json": file exists \(use --force to overwrite\)$/);
      expectInputError(hs256, /^jwt-bearer-grant: keygen: --alg: unknown algorithm "HS256" \(supported: RS256, .*, EdDSA, Ed25519\)$/);
      expectInputError(bits, /--bits: only for RSA algorithms, not ES256/);
    });
  });

  describe.concurrent('sign', () => {
    it('mints the claims a service-account library sends', async () => {
      const assertion = await sign(['--scope', 'reports.read', '--jti', 'j-1', '--lifetime', '5m']);
      expect(decodePart(assertion, 0)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'reports-2026' });
      expect(decodePart(assertion, 1)).toEqual({
        iss: SERVICE, sub: SERVICE, aud: TOKEN_ENDPOINT, iat: 1_893_456_000, exp: 1_893_456_300, jti: 'j-1', scope: 'reports.read',
      });
      // The default jti is a random UUID, so two assertions never share one.
      const [a, b] = await Promise.all([sign([]), sign([])]);
      expect((decodePart(a, 1) as { jti: string }).jti).toMatch(/^[0-9a-f-]{36}$/);
      expect((decodePart(a, 1) as { jti: string }).jti).not.toBe((decodePart(b, 1) as { jti: string }).jti);
    });

    it('takes a PEM private key; --alg picks PS256 for an RSA key', async () => {
      const [pem, rsa] = await Promise.all([
        runCli(['sign', '--key', path('svc.private.pem'), '--iss', SERVICE, '--aud', ISSUER, '--no-jti', '--kid', 'k']),
        runCli(['keygen', '--alg', 'RS256']),
      ]);
      expect(pem.status, pem.stderr).toBe(0);
      expect(decodePart(pem.stdout, 0)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k' });
      expect(decodePart(pem.stdout, 1)).not.toHaveProperty('jti');
      writeFileSync(path('rsa.pem'), (JSON.parse(rsa.stdout) as { privatePem: string }).privatePem);
      const pss = await runCli(['sign', '--key', path('rsa.pem'), '--iss', SERVICE, '--aud', ISSUER, '--alg', 'PS256']);
      expect(pss.status, pss.stderr).toBe(0);
      expect(decodePart(pss.stdout, 0)).toEqual({ alg: 'PS256', typ: 'JWT' });
    });

    it('one clear line (exit 2) for a missing, public or broken key file, a wrong algorithm or a bad flag', async () => {
      writeFileSync(path('broken.json'), '{"kty":');
      const base = ['--iss', SERVICE, '--aud', ISSUER];
      const cases: Array<[string[], RegExp]> = [
        [['--key', path('nope.json'), ...base], /^jwt-bearer-grant: sign: --key ".*nope\.json": no such file$/],
        [['--key', path('svc.public.pem'), ...base], /is a public key; sign needs the private key/],
        [['--key', path('svc.public.jwk.json'), ...base], /is a public JWK \(no "d"\); sign needs the private key/],
        [['--key', path('broken.json'), ...base], /--key ".*broken\.json": not valid JSON/],
        [['--key', path('svc.private.pem'), ...base, '--alg', 'RS256'], /--alg RS256 does not fit a ec prime256v1 key \(use ES256\)/],
        [['--key', path('svc.private.pem'), ...base, '--alg', 'none'], /--alg: unknown algorithm "none"/],
        [['--key', path('svc.private.pem'), '--iss', SERVICE], /--aud is required/],
        [['--key', path('svc.private.pem'), ...base, '--now', 'yesterday'], /--now: not an ISO 8601 date or epoch seconds: "yesterday"/],
        [['--key', path('svc.private.pem'), ...base, '--lifetime=0'], /--lifetime: not a positive number of seconds: "0"/],
        [['--key', path('svc.private.pem'), ...base, '--bogus'], /^jwt-bearer-grant: sign: Unknown option '--bogus'$/],
      ];
      const runs = await Promise.all(cases.map(([args]) => runCli(['sign', ...args])));
      runs.forEach((run, index) => expectInputError(run, (cases[index] as [string[], RegExp])[1]));
    });
  });

  describe.concurrent('explain', () => {
    it('sign → explain round trip: every rule passes, exit 0', async () => {
      const run = await explain(await sign(['--scope', 'reports.read']));
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^header \{"alg":"ES256","typ":"JWT","kid":"reports-2026"\}$/);
      expect(lines[2]).toBe('grant assertion, judged at 2030-01-01T00:00:10Z');
      expect(lines.filter((line) => line.startsWith('  PASS '))).toHaveLength(16);
      expect(lines).toContain("  PASS J9   aud identifies this server: aud 'https://as.example.com/oauth2/token' is the token endpoint");
      expect(lines).toContain("  PASS S2   Scope within what the issuer may be granted: granted 'reports.read'");
      expect(lines.at(-2)).toMatch(/^ {2}SKIP J14 {2}jti single use \(replay store\): dry run, the replay store was not called/);
      expect(lines.at(-1)).toBe('ACCEPTED (dry run: the jti was not consumed, so a replay is not detected here)');
    });

    it('expired: exit 1, with the seconds past exp and the tolerance; --now takes ISO or epoch seconds', async () => {
      const assertion = await sign([]);
      const [iso, epoch] = await Promise.all([explain(assertion, ['--now', '2030-01-01T00:02:41Z']), explain(assertion, ['--now', '1893456161'])]);
      for (const run of [iso, epoch]) {
        expect(run.status).toBe(1);
        expect(run.stdout).toContain('  FAIL J10  exp present and not past: exp is 41 s in the past, tolerance 30 s [ERR_JWT_BEARER_ASSERTION_EXPIRED]');
        expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('REJECTED: invalid_grant (ERR_JWT_BEARER_ASSERTION_EXPIRED) The assertion has expired.');
      }
    });

    it('aud with a trailing slash (assertion from a file): exit 1, quoting both values', async () => {
      const slash = await runCli(['sign', '--key', path('svc.private.jwk.json'), '--iss', SERVICE, '--aud', `${ISSUER}/`, '--now', T0]);
      writeFileSync(path('slash.jwt'), slash.stdout);
      const run = await runCli(['explain', '--assertion-file', path('slash.jwt'), '--config', path('server.json'), '--now', T0]);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain(`  FAIL J9   aud identifies this server: aud '${ISSUER}/' differs from issuer '${ISSUER}' by a trailing slash [ERR_JWT_BEARER_AUDIENCE_MISMATCH]`);
    });

    it('unknown issuer (assertion on stdin): exit 1; the key rules are skipped, the others still judged', async () => {
      const stranger = await runCli(['sign', '--key', path('svc.private.jwk.json'), '--iss', 'stranger@example.com', '--aud', ISSUER, '--now', T0]);
      const run = await runCli(['explain', '-', '--config', path('server.json'), '--now', T0], { input: stranger.stdout });
      expect(run.status).toBe(1);
      expect(run.stdout).toContain("  FAIL J7   iss present and a trusted issuer: iss 'stranger@example.com' is not a trusted issuer");
      expect(run.stdout).toContain('  SKIP J15  Signature verifies: not judged: no trusted issuer, so no keys');
      expect(run.stdout).toContain("  PASS J9   aud identifies this server: aud 'https://as.example.com' is the issuer");
      expect(run.stdout).toContain('REJECTED: invalid_grant (ERR_JWT_BEARER_ISSUER_UNKNOWN)');
    });

    it('bad signature: exit 1, and exp and aud are still reported', async () => {
      const forged = await runCli(['sign', '--key', path('other.private.jwk.json'), '--iss', SERVICE, '--aud', `${ISSUER}/`, '--now', T0]);
      const run = await explain(forged.stdout.trim(), ['--now', '2030-01-01T00:02:41Z']);
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('  FAIL J15  Signature verifies: none of the 1 candidate key(s) verifies the signature: signed with another key, or altered after signing [ERR_JWT_BEARER_SIGNATURE_INVALID]');
      expect(run.stdout).toContain('  FAIL J10  exp present and not past: exp is 41 s in the past, tolerance 30 s');
      expect(run.stdout).toContain(`aud '${ISSUER}/' differs from issuer '${ISSUER}' by a trailing slash`);
      expect(run.stdout).toContain('REJECTED: invalid_grant (ERR_JWT_BEARER_SIGNATURE_INVALID)');
    });

    it('malformed JWT: exit 1, J1 fails and says why', async () => {
      const run = await explain('eyJhbGciOiJFUzI1NiJ9.e30');
      expect(run.status).toBe(1);
      expect(run.stdout).toContain('  FAIL J1   Compact JWS of JSON objects, within the size cap: 2 segments, expected 3 [ERR_JWT_BEARER_ASSERTION_MALFORMED]');
      expect(run.stdout).toContain('  SKIP J15  Signature verifies: not judged: the assertion could not be decoded');
      expect(run.stdout).toContain('REJECTED: invalid_grant (ERR_JWT_BEARER_ASSERTION_MALFORMED)');
    });

    it('--json prints the explanation as data; --use client judges a client assertion with "clients"', async () => {
      const [impersonation, client] = await Promise.all([
        sign(['--sub', 'alice@tenant.example.com']),
        runCli(['sign', '--key', path('svc.private.jwk.json'), '--iss', 'client-1', '--aud', ISSUER, '--now', T0]),
      ]);
      const [json, asClient] = await Promise.all([explain(impersonation, ['--json']), explain(client.stdout.trim(), ['--use', 'client'])]);
      expect(json.status).toBe(1);
      const data = JSON.parse(json.stdout) as { accepted: boolean; steps: Array<{ status: string }>; error: object };
      expect(data.accepted).toBe(false);
      expect(data.steps.filter((step) => step.status === 'fail')).toEqual([expect.objectContaining({ rule: 'J8', code: 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED' })]);
      expect(data.error).toMatchObject({ code: 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED', error: 'invalid_grant', status: 400 });
      expect(asClient.status, asClient.stdout).toBe(0);
      expect(asClient.stdout).toContain('client assertion, judged at 2030-01-01T00:00:10Z');
    });

    it('one clear line (exit 2) for bad config or key files, a bad config value, options and arguments', async () => {
      const assertion = await sign([]);
      writeFileSync(path('bad.json'), '{ "issuer": ');
      writeFileSync(path('typo.json'), JSON.stringify({ issuer: ISSUER, tokenEndPoint: TOKEN_ENDPOINT }));
      writeFileSync(path('nokeys.json'), JSON.stringify({ issuer: ISSUER, trustedIssuers: { [SERVICE]: { keys: './absent.pem' } } }));
      const trust = ['--trust', `${SERVICE}=${path('svc.public.pem')}`];
      const cases: Array<[string[], RegExp]> = [
        [['--config', path('missing.json')], /^jwt-bearer-grant: explain: --config ".*missing\.json": no such file$/],
        [['--config', path('bad.json')], /--config ".*bad\.json": not valid JSON/],
        [['--config', path('typo.json')], /--config: unknown field "tokenEndPoint"/],
        [['--config', path('nokeys.json')], /trustedIssuers\[".*"\]\.keys: key file ".*absent\.pem": no such file/],
        [['--issuer', ISSUER, '--trust', `${SERVICE}=${path('svc.private.pem')}`], /holds a private key; configure the public key/],
        [['--issuer', 'not a url', ...trust], /server configuration: .*issuer/],
        [trust, /the server's issuer is required/],
        [['--config', path('server.json'), '--bogus'], /Unknown option '--bogus'/],
        [['--config', path('server.json'), '--use', 'both'], /--use: must be grant or client, not "both"/],
        [['--config', path('server.json'), '--now', '1st of May'], /--now: not an ISO 8601 date or epoch seconds/],
      ];
      const runs = await Promise.all(cases.map(([args]) => runCli(['explain', assertion, ...args])));
      runs.forEach((run, index) => expectInputError(run, (cases[index] as [string[], RegExp])[1]));
      const [none, noFile] = await Promise.all([
        runCli(['explain', '--config', path('server.json')]),
        runCli(['explain', '--assertion-file', path('none.jwt'), '--config', path('server.json')]),
      ]);
      expectInputError(none, /no assertion: give it as an argument, "-" for stdin, or --assertion-file/);
      expectInputError(noFile, /--assertion-file ".*none\.jwt": no such file/);
    });
  });

  describe.concurrent('help and usage', () => {
    for (const command of ['keygen', 'sign', 'explain']) {
      it(`${command} --help prints its usage and exits 0`, async () => {
        const runs = await Promise.all([runCli([command, '--help']), ...(command === 'sign' ? [runCli(['help', command]), runCli([command, '-h'])] : [])]);
        for (const run of runs) {
          expect(run.status).toBe(0);
          expect(run.stdout.startsWith(`Usage: jwt-bearer-grant ${command} `)).toBe(true);
          expect(run.stdout).toContain('-h, --help');
        }
      });
    }

    it('--help lists the commands and exit codes; no command or an unknown one is a usage error', async () => {
      const [help, none, unknown] = await Promise.all([runCli(['--help']), runCli([]), runCli(['verify'])]);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/keygen[\s\S]*sign[\s\S]*explain[\s\S]*Exit codes: 0 done or accepted, 1 rejected \(explain\), 2 usage or input error/);
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('Usage: jwt-bearer-grant <command>');
      expectInputError(unknown, /^jwt-bearer-grant: unknown command "verify" \(commands: keygen, sign, explain; see --help\)$/);
    });
  });
});
