import * as z from 'zod';

export const roleSchema = z.enum(['admin', 'analyst']);
export type Role = z.output<typeof roleSchema>;

/** An allowed origin: scheme://host[:port], where the host may start with "*." and the port may be "*". */
export const originPatternSchema = z
  .string()
  .regex(
    /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?$/,
    'Write an origin as scheme://host[:port], e.g. https://shop.example.com, https://*.example.com or http://localhost:*.',
  );

export const newApiKeySchema = z.strictObject({
  label: z.string().trim().min(1).max(100),
  role: roleSchema,
});

export const newSdkKeySchema = z.strictObject({
  label: z.string().trim().min(1).max(100),
  origins: z.array(originPatternSchema).min(1, 'List at least one allowed origin.').max(50),
});

export type NewApiKey = z.output<typeof newApiKeySchema>;
export type NewSdkKey = z.output<typeof newSdkKeySchema>;

/** A management key as stored: the key itself never is, only its SHA-256. */
export interface ApiKeyRecord {
  id: string;
  hash: string;
  label: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

export interface SdkKeyRecord {
  id: string;
  hash: string;
  label: string;
  origins: string[];
  createdAt: string;
  revokedAt?: string;
}

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const host = escaped.replace(/^(https?:\/\/)\*\\\./, '$1([A-Za-z0-9-]+\\.)+');
  const port = host.endsWith(':*') ? `${host.slice(0, -2)}(:\\d{1,5})?` : host;
  return new RegExp(`^${port}$`, 'i');
}

/**
 * Whether a browser origin may use an SDK key. A request without an Origin header comes
 * from a server, not a page, and is allowed: the key is public, the list guards pages.
 */
export function originAllowed(origin: string | undefined, patterns: string[]): boolean {
  if (!origin) return true;
  return patterns.some((pattern) => patternToRegExp(pattern).test(origin));
}
