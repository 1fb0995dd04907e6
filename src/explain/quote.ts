/** Longest value shown in full; longer ones are cut (an operator needs the start, not 8 KiB of it). */
const MAX_SHOWN = 120;

// C0/C1 controls, line and paragraph separators, bidi overrides and isolates: they could rewrite a log line or a
// terminal (log injection, "trojan source"), so they are shown escaped.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * An untrusted value (a claim, a header member) as operator text: in single quotes, with quotes, backslashes and
 * unsafe characters escaped, cut after 120 characters. For explain output only: the library's `detail` strings
 * never carry request values.
 */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
  const escaped = shown
    .replace(/[\\']/g, '\\$&')
    .replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `'${escaped}'`;
}

/** A duration in seconds, to the millisecond: `41 s`, `0.5 s`. */
export function seconds(value: number): string {
  return `${Math.round(value * 1000) / 1000} s`;
}

/** A NumericDate (seconds since the epoch) as an ISO 8601 date, or a note when no date can represent it. */
export function isoDate(numericDate: number): string {
  const date = new Date(numericDate * 1000);
  return Number.isNaN(date.getTime()) ? 'a date out of range' : date.toISOString().replace('.000Z', 'Z');
}
