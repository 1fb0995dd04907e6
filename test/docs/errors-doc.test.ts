import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, OAuthError, type OAuthErrorCode } from '../../src/index.js';

// docs/errors.md documents every code of ERROR_CODES; this test keeps the table from drifting from src/errors.ts.
const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

interface Row {
  code: string;
  error: string;
  status: number;
  description: string;
  rest: string;
}

const ROW = /^\| `([A-Z0-9_]+)` \| `([a-z_]+)` \| (\d{3}) \| ([^|]+?) \|(.*)$/;

function tableRows(markdown: string): Row[] {
  const rows: Row[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    if (!line.startsWith('| `ERR_')) continue;
    const match = ROW.exec(line);
    if (match === null) throw new Error(`docs/errors.md: malformed error row: ${line}`);
    const [, code = '', error = '', status = '', description = '', rest = ''] = match;
    rows.push({ code, error, status: Number(status), description, rest });
  }
  return rows;
}

const rows = tableRows(doc);
const codes = Object.keys(ERROR_CODES) as OAuthErrorCode[];

describe('docs/errors.md', () => {
  it('lists every code of ERROR_CODES exactly once, and no other', () => {
    const documented = rows.map((row) => row.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  for (const code of codes) {
    it(`documents ${code} with its error, status and description`, () => {
      const row = rows.find((candidate) => candidate.code === code);
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      const actual = new OAuthError(code);
      expect(row?.error).toBe(actual.error);
      expect(row?.status).toBe(actual.status);
      expect(row?.description).toBe(actual.description);
      expect(row?.description).toBe(ERROR_CODES[code][1]);
      // The "when" column says when the code is raised.
      expect(row?.rest.replace(/\|/g, '').trim()).not.toBe('');
    });
  }
});
