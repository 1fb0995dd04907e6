/** Why {@link parseJsonObject} refused its input (log-only detail). */
export class JsonObjectError extends Error {
  override readonly name = 'JsonObjectError';
}

/**
 * Parses text that must hold ONE JSON object (RFC 7515 §4 / RFC 7519 §7.2: header and claims set are
 * JSON objects) and refuses duplicate member names (RFC 7515 §4: "MUST reject") and nesting deeper than
 * `maxDepth`. The values come from the native `JSON.parse`; a linear scan of the validated text finds the
 * duplicates, comparing names after unescaping so `"a"` and `"\u0061"` collide. A flat object (the usual JOSE
 * header or claims set) takes a cheaper scan: it counts the member names and compares that with the keys
 * `JSON.parse` kept, which can only be fewer when a name came twice.
 */
export function parseJsonObject(text: string, maxDepth = 16): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new JsonObjectError('not valid JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonObjectError('not a JSON object');
  }
  const names = countFlatMembers(text, maxDepth);
  if (names === -1 || names !== Object.keys(value).length) checkMembers(text, maxDepth);
  return value as Record<string, unknown>;
}

interface Level {
  names: string[] | undefined; // undefined for arrays
  large: Set<string> | undefined; // the same names once there are many (keeps the check linear)
  expectName: boolean;
}

// Objects in a JOSE header or claims set have a handful of members: a short array beats a Set, and past this
// many names a Set takes over so a hostile object with thousands of members stays linear.
const SMALL_OBJECT = 16;

function addName(level: Level, name: string): void {
  const { names } = level as { names: string[] };
  if (level.large !== undefined ? level.large.has(name) : names.includes(name)) throw new JsonObjectError('duplicate member name');
  names.push(name);
  if (level.large !== undefined) level.large.add(name);
  else if (names.length > SMALL_OBJECT) level.large = new Set(names);
}

// Index of the quote that closes the string opening at `open` (text is valid JSON: it exists), skipping escaped
// quotes: a quote is escaped when an odd number of backslashes precede it.
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

// Member names of the top-level object of `text` (valid JSON, an object), or -1 when it holds another object or
// nests deeper than `maxDepth` (the full scan decides those). Outside strings, a ':' directly inside the top-level
// object separates one of its names from its value.
function countFlatMembers(text: string, maxDepth: number): number {
  let depth = 0;
  let names = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) i = closingQuote(text, i);
    else if (c === 0x3a /* : */) {
      if (depth === 1) names++;
    } else if (c === 0x7b /* { */) {
      if (depth++ !== 0 || depth > maxDepth) return -1;
    } else if (c === 0x5b /* [ */) {
      if (++depth > maxDepth) return -1;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return names;
}

// `text` is known to be valid JSON here, so the scan only tracks strings, nesting and member names. Strings are
// skipped with indexOf (native), so the per-character loop only sees the short gaps between them.
function checkMembers(text: string, maxDepth: number): void {
  const stack: Level[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i);
      const top = stack[stack.length - 1];
      if (top !== undefined && top.names !== undefined && top.expectName) {
        const raw = text.slice(i + 1, end);
        addName(top, raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);
        top.expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) throw new JsonObjectError(`nested deeper than ${maxDepth}`);
      stack.push({ names: c === 0x7b ? [] : undefined, large: undefined, expectName: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top !== undefined && top.names !== undefined) top.expectName = true;
    }
  }
}
