import { describe, expect, it } from 'vitest';
import { JsonObjectError, parseJsonObject } from '../../src/lib/strict-json.js';

const refuses = (text: string) => expect(() => parseJsonObject(text)).toThrow(JsonObjectError);

describe('RFC 7515 §4 / SPEC J2: strict JSON objects', () => {
  it('finds duplicate member names however they are spelled', () => {
    refuses('{"a":1,"a":2}');
    refuses('{"a":1,"\\u0061":2}');
    refuses('{"a\\"b":1,"a\\"b":2}');
    refuses('{"x":{"k":1,"k":2}}');
    refuses('{"x":[{"k":1},{"k":1,"k":2}]}');
    refuses('{"__proto__":1,"__proto__":2}');
    refuses('{"a":[1,{"b":1}],"a":2}');
  });

  it('does not mistake escapes, values or other objects for duplicates', () => {
    expect(parseJsonObject('{"a\\\\":1,"a\\\\\\\\":2}')).toEqual({ 'a\\': 1, 'a\\\\': 2 });
    expect(parseJsonObject('{"a":"\\"a\\":","b":"{\\"a\\":1}","c":["a","a"]}')).toEqual({ a: '"a":', b: '{"a":1}', c: ['a', 'a'] });
    expect(parseJsonObject('{"x":{"k":1},"y":{"k":2},"k":3}')).toEqual({ x: { k: 1 }, y: { k: 2 }, k: 3 });
    expect(parseJsonObject('{"a\\\\\\"":1,"a\\\\":2}')).toEqual({ 'a\\"': 1, 'a\\': 2 });
  });

  it('refuses non-objects, bad JSON, a BOM and deep nesting', () => {
    for (const text of ['[]', '"s"', '1', 'null', '{', '\uFEFF{}', '{"a":' + '['.repeat(20) + ']'.repeat(20) + '}']) refuses(text);
    expect(parseJsonObject('{"a":' + '['.repeat(14) + ']'.repeat(14) + '}')).toBeDefined();
    // The depth limit holds for flat objects too (they take the cheaper duplicate scan).
    expect(() => parseJsonObject('{"a":1}', 0)).toThrow(JsonObjectError);
    expect(parseJsonObject('{"a":1}', 1)).toEqual({ a: 1 });
    expect(() => parseJsonObject('{"a":[1]}', 1)).toThrow(JsonObjectError);
  });
});

describe('SPEC J2: duplicate detection stays linear for objects with many members', () => {
  it('finds a duplicate past the small-object threshold, and accepts thousands of distinct names', () => {
    const names = Array.from({ length: 2000 }, (_, i) => `"m${i}":${i}`);
    expect(Object.keys(parseJsonObject(`{${names.join(',')}}`))).toHaveLength(2000);
    refuses(`{${names.join(',')},"m1999":0}`);
    refuses(`{${names.slice(0, 17).join(',')},"m3":0}`);
  });
});
