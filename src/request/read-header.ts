/**
 * Request headers as frameworks hand them over: Node's `IncomingHttpHeaders` (lower-case keys), a fetch
 * `Headers`, or a plain object with any key case.
 */
export type RequestHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header by case-insensitive name; `undefined` when absent or empty. */
export function readHeader(headers: RequestHeaders | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  let value: unknown;
  if (typeof (headers as { get?: unknown }).get === 'function' && !Object.hasOwn(headers, 'get')) {
    value = (headers as { get(name: string): string | null }).get(lower);
  } else if (Object.hasOwn(headers, lower)) {
    value = (headers as Record<string, unknown>)[lower];
  } else {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lower) value = (headers as Record<string, unknown>)[key];
    }
  }
  // Node gives repeated headers as arrays; only string parts count (anything else is not a header value).
  if (Array.isArray(value)) value = value.every((part) => typeof part === 'string') ? value.join(', ') : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
