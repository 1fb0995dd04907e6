import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The code on the docs/frameworks pages cannot rot: every TypeScript block is a byte-for-byte copy of a file in
// test/docs-examples/, which `tsc -p .` type-checks with the strict flags (CI: npm run typecheck) and which the
// adapter tests in test/adapters/ run over real HTTP. The marker line before a block names its file.
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const PAGES = ['express.md', 'koa.md', 'fastify.md', 'nest.md', 'fetch.md'];
const MARKER = /^<!-- example: (test\/docs-examples\/[\w-]+\.ts) -->$/;

interface Block {
  page: string;
  language: string;
  file: string | undefined;
  code: string;
}

function codeBlocks(page: string): Block[] {
  const lines = read(`docs/frameworks/${page}`).split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`docs/frameworks/${page}: unclosed code block at line ${i + 1}`);
    const file = MARKER.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ page, language: open[1] ?? '', file, code: `${lines.slice(i + 1, end).join('\n')}\n` });
    i = end;
  }
  return blocks;
}

const blocks = PAGES.flatMap(codeBlocks);

describe('docs/frameworks: the code on the pages is the code that is compiled and tested', () => {
  it('there is one page per framework, and no other', () => {
    expect(readdirSync(new URL('docs/frameworks/', root)).sort()).toEqual([...PAGES].sort());
  });

  it('every TypeScript or JavaScript block names its example file, and is that file byte for byte', () => {
    const code = blocks.filter((block) => /^(ts|typescript|js|javascript|tsx)$/.test(block.language));
    expect(code.length).toBeGreaterThanOrEqual(PAGES.length);
    for (const block of code) {
      expect(block.file, `a ${block.language} block in docs/frameworks/${block.page} has no example marker`).toBeDefined();
      expect(block.code, `docs/frameworks/${block.page} differs from ${block.file}`).toBe(read(block.file as string));
    }
  });

  it('every other block is a shell command, never unchecked code', () => {
    for (const block of blocks.filter((b) => b.file === undefined)) expect(block.language, block.page).toBe('sh');
  });

  it('every example file is shown on a page, and every page shows one', () => {
    const shown = new Set(blocks.map((block) => block.file));
    for (const file of readdirSync(new URL('test/docs-examples/', root))) expect(shown, file).toContain(`test/docs-examples/${file}`);
    for (const page of PAGES) expect(blocks.some((block) => block.page === page && block.file !== undefined), page).toBe(true);
  });

  it("README's Documentation section links every page", () => {
    const readme = read('README.md');
    for (const page of PAGES) expect(readme).toContain(`(docs/frameworks/${page})`);
  });
});
