// ignoreBOM keeps a byte order mark in the text, so JSON.parse refuses it (RFC 8259 §8.1: MUST NOT add one).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why {@link parseJsonObject} refused its input (log-only detail). */
export class JsonObjectError extends Error {
  override readonly name = 'JsonObjectError';
}

/**
 * Parses UTF-8 bytes that must hold ONE JSON object (RFC 7515 §4 / RFC 7519 §7.2: header and claims set are
 * JSON objects) and refuses duplicate member names (RFC 7515 §4: "MUST reject") and nesting deeper than
 * `maxDepth`. The values come from the native `JSON.parse`; a linear scan of the validated text finds the
 * duplicates, comparing names after unescaping so `"a"` and `"\u0061"` collide.
 */
export function parseJsonObject(bytes: Uint8Array, maxDepth = 16): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = utf8.decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw new JsonObjectError('not valid UTF-8 JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JsonObjectError('not a JSON object');
  }
  checkMembers(text, maxDepth);
  return value as Record<string, unknown>;
}

interface Level {
  names: Set<string> | undefined; // undefined for arrays
  expectName: boolean;
}

// `text` is known to be valid JSON here, so the scan only tracks strings, nesting and member names.
function checkMembers(text: string, maxDepth: number): void {
  const stack: Level[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      while (text.charCodeAt(end) !== 0x22) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          escaped = true;
          end++;
        }
        end++;
      }
      const top = stack[stack.length - 1];
      if (top?.names !== undefined && top.expectName) {
        const raw = text.slice(i, end + 1);
        const name = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.names.has(name)) throw new JsonObjectError('duplicate member name');
        top.names.add(name);
        top.expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) throw new JsonObjectError(`nested deeper than ${maxDepth}`);
      stack.push({ names: c === 0x7b ? new Set() : undefined, expectName: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.names !== undefined) top.expectName = true;
    }
  }
}
