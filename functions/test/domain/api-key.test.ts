import { describe, expect, it } from 'vitest';
import { newApiKeySchema, newSdkKeySchema, originAllowed, originPatternSchema } from '../../src/domain/api-key.ts';

describe('originAllowed', () => {
  it('allows an exact origin', () => {
    expect(originAllowed('https://shop.example.com', ['https://shop.example.com'])).toBe(true);
  });

  it('compares hosts without regard to case', () => {
    expect(originAllowed('https://Shop.Example.com', ['https://shop.example.com'])).toBe(true);
  });

  it('refuses another host', () => {
    expect(originAllowed('https://blog.example.com', ['https://shop.example.com'])).toBe(false);
  });

  it('refuses a host that only starts with the allowed one', () => {
    expect(originAllowed('https://shop.example.com.evil.net', ['https://shop.example.com'])).toBe(false);
  });

  it('does not treat a dot in the pattern as any character', () => {
    expect(originAllowed('https://shopxexample.com', ['https://shop.example.com'])).toBe(false);
  });

  it('refuses a scheme mismatch', () => {
    expect(originAllowed('http://shop.example.com', ['https://shop.example.com'])).toBe(false);
    expect(originAllowed('https://localhost:3000', ['http://localhost:*'])).toBe(false);
  });

  it('refuses an explicit port a portless pattern does not name', () => {
    expect(originAllowed('https://shop.example.com:8443', ['https://shop.example.com'])).toBe(false);
  });

  it('matches an exact port and refuses another', () => {
    expect(originAllowed('http://localhost:5173', ['http://localhost:5173'])).toBe(true);
    expect(originAllowed('http://localhost:5174', ['http://localhost:5173'])).toBe(false);
  });

  it('allows http://localhost on any port with http://localhost:*', () => {
    for (const origin of ['http://localhost:3000', 'http://localhost:8080', 'http://localhost:1', 'http://localhost:65535']) {
      expect(originAllowed(origin, ['http://localhost:*'])).toBe(true);
    }
  });

  it('refuses another host behind a port wildcard', () => {
    expect(originAllowed('http://localhost.evil.net:3000', ['http://localhost:*'])).toBe(false);
    expect(originAllowed('http://127.0.0.1:3000', ['http://localhost:*'])).toBe(false);
  });

  it('allows subdomains of https://*.example.com at any depth', () => {
    expect(originAllowed('https://shop.example.com', ['https://*.example.com'])).toBe(true);
    expect(originAllowed('https://eu.shop.example.com', ['https://*.example.com'])).toBe(true);
  });

  it('refuses example.com itself for https://*.example.com', () => {
    expect(originAllowed('https://example.com', ['https://*.example.com'])).toBe(false);
  });

  it('refuses evil-example.com for https://*.example.com', () => {
    expect(originAllowed('https://evil-example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://www.evil-example.com', ['https://*.example.com'])).toBe(false);
  });

  it('refuses a subdomain wildcard match on another scheme or a suffix domain', () => {
    expect(originAllowed('http://shop.example.com', ['https://*.example.com'])).toBe(false);
    expect(originAllowed('https://shop.example.com.evil.net', ['https://*.example.com'])).toBe(false);
  });

  it('allows a request without an Origin header', () => {
    expect(originAllowed(undefined, ['https://shop.example.com'])).toBe(true);
    expect(originAllowed(undefined, [])).toBe(true);
  });

  it('refuses every page origin when the list is empty', () => {
    expect(originAllowed('https://shop.example.com', [])).toBe(false);
  });

  it('refuses the opaque origin "null"', () => {
    expect(originAllowed('null', ['https://shop.example.com', 'http://localhost:*'])).toBe(false);
  });

  it('allows an origin that any pattern of the list matches', () => {
    const patterns = ['https://shop.example.com', 'http://localhost:*', 'https://*.example.org'];
    expect(originAllowed('https://cdn.example.org', patterns)).toBe(true);
    expect(originAllowed('http://localhost:4000', patterns)).toBe(true);
    expect(originAllowed('https://example.org', patterns)).toBe(false);
  });
});

describe('originPatternSchema', () => {
  it.each(['https://shop.example.com', 'https://*.example.com', 'http://localhost:*', 'http://localhost:5173'])('accepts %s', (pattern) => {
    expect(originPatternSchema.safeParse(pattern).success).toBe(true);
  });

  it.each(['shop.example.com', 'https://shop.example.com/', 'https://shop.*.com', 'ftp://example.com', 'https://example.com/path', '*'])(
    'refuses %s',
    (pattern) => {
      expect(originPatternSchema.safeParse(pattern).success).toBe(false);
    },
  );
});

describe('newApiKeySchema', () => {
  it('accepts a label and a role and trims the label', () => {
    expect(newApiKeySchema.parse({ label: '  CI  ', role: 'analyst' })).toEqual({ label: 'CI', role: 'analyst' });
  });

  it('refuses an unknown role and unknown fields', () => {
    expect(newApiKeySchema.safeParse({ label: 'CI', role: 'owner' }).success).toBe(false);
    expect(newApiKeySchema.safeParse({ label: 'CI', role: 'admin', key: 'x' }).success).toBe(false);
  });
});

describe('newSdkKeySchema', () => {
  it('refuses an SDK key without origins, saying so', () => {
    const result = newSdkKeySchema.safeParse({ label: 'Shop', origins: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([[['origins'], 'List at least one allowed origin.']]);
  });
});
