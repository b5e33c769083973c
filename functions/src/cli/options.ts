import { UsageError } from './cli-error.ts';

/** A number option's value, or a UsageError naming the option. */
export function numberOption(name: string, value: string | undefined, check: (value: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || !check(parsed)) throw new UsageError(`--${name} must be ${expected}; got "${value}".`);
  return parsed;
}

export function formatOption<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--format must be one of ${allowed.join(', ')}; got "${value}".`);
  return value as T;
}
