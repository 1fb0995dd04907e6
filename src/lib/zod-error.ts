import type { z } from 'zod';

/** Turns the first zod issue into a `TypeError` naming the option path, e.g. `options.clockTolerance`. */
export function toTypeError(root: string, error: z.ZodError): TypeError {
  const [issue] = error.issues;
  let path = root;
  for (const part of issue?.path ?? []) {
    path += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(String(part)) ? `.${String(part)}` : `[${JSON.stringify(String(part))}]`;
  }
  return new TypeError(`${path}: ${issue?.message ?? 'invalid value'}`);
}
