import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = readFileSync(`${root}docs/rfc-compliance.md`, 'utf8');
// The rule book lives beside the repository (../shared/SPEC.md) on developer machines and in CI; a bare clone
// elsewhere falls back to the ids it had when this test was written.
const specPath = `${root}../shared/SPEC.md`;
const KNOWN_IDS = [
  ...Array.from({ length: 12 }, (_, i) => `R${i + 1}`),
  ...Array.from({ length: 16 }, (_, i) => `J${i + 1}`),
  'S1', 'S2', 'S3', 'F1', 'F2',
];
const spec = existsSync(specPath) ? readFileSync(specPath, 'utf8') : undefined;
const specIds = spec === undefined ? KNOWN_IDS : [...spec.matchAll(/^(?:\| ([RJ]\d+) \||- ([SF]\d+) )/gm)].map((m) => (m[1] ?? m[2]) as string);
const rows = new Map([...doc.matchAll(/^\| ([RJSF]\d+) \|(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]));

describe('docs/rfc-compliance.md stays true', () => {
  it('has a row for every SPEC rule id', () => {
    expect(specIds).toEqual(expect.arrayContaining(KNOWN_IDS));
    for (const id of specIds) expect(rows.has(id), id).toBe(true);
  });

  for (const [id, row] of rows) {
    it(`${id}: every named file exists, and its test files mention ${id}`, () => {
      const files = [...row.matchAll(/`((?:src|test)\/[^`]+\.ts)`/g)].map((m) => m[1] as string);
      expect(files.some((file) => file.startsWith('test/')), `${id} names a test`).toBe(true);
      for (const file of files) {
        expect(existsSync(`${root}${file}`), file).toBe(true);
        if (file.startsWith('test/')) expect(readFileSync(`${root}${file}`, 'utf8'), `${file} mentions ${id}`).toMatch(new RegExp(`\\b${id}\\b`));
      }
    });
  }
});
