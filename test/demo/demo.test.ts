import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO, ensureBuilt, ROOT, RUN_BUILT_PROGRAM_TESTS } from '../cli/built-programs.js';

// The README's main job: `npm run demo` (which builds, then runs node dist/demo.js). Run here as a child process.

describe.runIf(RUN_BUILT_PROGRAM_TESTS)('npm run demo (dist/demo.js, a child process)', () => {
  beforeAll(() => {
    ensureBuilt();
  });

  it('serves a real token endpoint on 127.0.0.1, issues a token, refuses replay, expiry and impersonation; exits 0', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [DEMO], { cwd: ROOT, timeout: 15_000 });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Token endpoint http:\/\/127\.0\.0\.1:\d+\/token /m);
    expect(stdout).toMatch(/client sees {2}200 \{"access_token":"[\w-]+\.[\w-]+\.[\w-]+","token_type":"Bearer","expires_in":900\}/);
    expect(stdout).toMatch(/access token claims \{"iss":"http:\/\/127\.0\.0\.1:\d+","exp":\d+,"aud":"https:\/\/api\.example\.com","sub":"svc-reports@tenant\.example\.com"/);
    for (const code of ['ERR_JWT_BEARER_JTI_REPLAYED', 'ERR_JWT_BEARER_ASSERTION_EXPIRED', 'ERR_JWT_BEARER_SUBJECT_NOT_ALLOWED']) {
      // The server's log line (code and log-only detail), the client's view, and the check.
      expect(stdout).toMatch(new RegExp(`server log {3}400: refused, ${code} \\(.+\\)\\n {3}client sees {2}400 \\{"error":"invalid_grant","error_description":"[^"]+"\\}\\n {3}refused as expected: ${code}`));
    }
    expect(stdout).toContain('server log   400: refused, ERR_JWT_BEARER_ASSERTION_EXPIRED (exp is ');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Result: as expected. One token issued; the replay, the expired assertion and the impersonation were refused.');
  });

  it('--serve keeps the server up, prints a curl command that works once, and stops on a signal', async () => {
    const child = spawn(process.execPath, [DEMO, '--serve'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    try {
      let output = '';
      const curl = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no curl command within 10 s:\n${output}`)), 10_000);
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const match = /^curl -sS (http:\/\/127\.0\.0\.1:\d+\/token) --data-urlencode 'grant_type=([^']+)' --data-urlencode 'assertion=([^']+)'$/m.exec(output);
          if (match !== null) {
            clearTimeout(timer);
            resolve(match);
          }
        });
        child.on('exit', () => reject(new Error(`the demo exited:\n${output}`)));
      });
      const [, url = '', grantType = '', assertion = ''] = curl;
      expect(grantType).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(output).toContain('until Ctrl+C');

      // What the printed curl command sends: a form POST.
      const post = () => fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: grantType, assertion }) });
      const first = await post();
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(await first.json()).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
      const second = await post();
      expect(second.status).toBe(400);
      expect(await second.json()).toEqual({ error: 'invalid_grant', error_description: 'The assertion has already been used.' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
