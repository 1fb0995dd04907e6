// Number options of the factories, checked the same way everywhere: a TypeError naming the option path.

/** An optional duration in seconds within [min, max], or its default. @throws TypeError naming `path`. */
export function readSeconds(value: unknown, path: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TypeError(`${path}: must be a number of seconds from ${min} to ${max}`);
  }
  return value;
}

/** An optional whole number within [min, max], or its default. @throws TypeError naming `path`. */
export function readWholeNumber(value: unknown, path: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${path}: must be a whole number from ${min} to ${max}`);
  }
  return value;
}
