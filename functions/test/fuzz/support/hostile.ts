import fc from 'fast-check';

/**
 * Building blocks of hostile input. Documents are plain values plus `RawJson` tokens, which
 * are written into the JSON text verbatim: numbers JSON.stringify cannot produce (`1e400`
 * parses to Infinity, `-0`, 2^53 + 1) and broken syntax. Objects are built with
 * Object.fromEntries so a `__proto__` key stays an own property and reaches the server.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export const REMOVE = Symbol('remove');

/** JSON text of a document, RawJson tokens verbatim, every own key (even `__proto__`) written. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key, inner]) => `${JSON.stringify(key)}:${toJsonText(inner)}`)
      .join(',')}}`;
  }
  if (value === undefined) return 'null';
  return JSON.stringify(value);
}

/** A copy of `document` with `path` set to `value` (or removed), never touching a prototype. */
export function setPath(document: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(document) && typeof head === 'number') {
    const copy = [...document];
    const inner = setPath(copy[head], rest, value);
    if (inner === REMOVE) copy.splice(head, 1);
    else copy[head] = inner;
    return copy;
  }
  const entries = document !== null && typeof document === 'object' && !Array.isArray(document) ? Object.entries(document) : [];
  const current = entries.find(([key]) => key === String(head))?.[1];
  const inner = setPath(current, rest, value);
  const kept = entries.filter(([key]) => key !== String(head));
  return Object.fromEntries(inner === REMOVE ? kept : [...kept, [String(head), inner]]);
}

/** Strings that have broken parsers, key schemes, logs and terminals before. */
export const specialStrings = [
  '',
  ' ',
  '\t',
  '\u0000',
  'a\u0000b',
  '\u001b[31mred',
  '\r\nX-Injected: 1',
  '\u202e',
  '\ufeff',
  '\u200b',
  '\ud800',
  '\udfff',
  'e\u0301',
  '\ud835\udd18\ud835\udd2d',
  '\ud83c\udde9\ud83c\uddea',
  'İ',
  'ß',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../etc/passwd',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${jndi:ldap://127.0.0.1/a}',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  'null',
  'undefined',
  '{}',
  '[]',
  '\\',
  '"',
  'upk_',
  'ups_',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...specialStrings),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.stringMatching(/^[\x00-\x1f\x7f]{1,6}$/),
  fc.integer({ min: 129, max: 3_000 }).map((length) => 'x'.repeat(length)),
);

export const hostileNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1.5, -0.0001, 1e21, Number.MAX_VALUE, Number.MIN_VALUE, 2_147_483_648, -2_147_483_649),
  fc.constantFrom('1e400', '-1e400', '-0', '9007199254740993', '1E2', '0.1e1', '1.0', '123456789012345678901234567890').map((text) => new RawJson(text)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'polluted'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Arbitrary JSON with hostile leaves and keys, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
  ),
})).value;

/** A hostile value that is not a plain object, for places that need one. */
export const nonObject: fc.Arbitrary<unknown> = fc.oneof(hostileScalar, fc.array(hostileScalar, { maxLength: 3 }));

/** Texts that are not JSON, or JSON a server must refuse before looking inside. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    '{"a":',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}/* c */',
    '{"a":NaN}',
    '{"a":Infinity}',
    '{"a":undefined}',
    '{"a":0x10}',
    '{"a":01}',
    '{"a":.5}',
    '{"a":"\\x41"}',
    '{"a":"\\u12"}',
    '{"a":"line\nbreak"}',
    '\ufeff{"a":1}',
    '{"a":1}{"a":2}',
    '[1,2',
    'nul',
    '"unterminated',
    '\u0000',
    '{"__proto__":',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((text) => {
    try {
      JSON.parse(text);
      return false;
    } catch {
      return true;
    }
  }),
);

/** Arrays or objects nested past the 32 levels the API accepts, in the ways JSON can nest. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 33, max: 20_000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${'{"a":['.repeat(Math.ceil(depth / 2))}1${']}'.repeat(Math.ceil(depth / 2))}`;
  });

/** Top-level JSON that is valid but not the object a route expects. */
export const wrongTopLevel: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('[]', '1', '-1', '"text"', 'null', 'true', 'false', '[{}]', '0', '1e400'),
  nonObject.map(toJsonText),
);

/** Content types a client might send; the route's own list decides which are accepted. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      undefined,
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json-patch+json',
      '',
      ';',
    ),
  },
);

/** Header values an HTTP client can send at all (no control characters besides tab). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e\t]{0,80}$/),
  fc.constantFrom('null', 'Bearer', 'Bearer ', 'bearer upk_', 'Basic YWRtaW46YWRtaW4=', 'Bearer upk_' + 'A'.repeat(400), '*'),
);

/**
 * Percent-encodes every UTF-16 code unit's UTF-8 bytes; a lone surrogate becomes the bytes
 * WTF-8 would give it (%ED%A0%80…), which no UTF-8 decoder accepts.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      encoded += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(char).replace(/[!'()*]/g, (mark) => `%${mark.charCodeAt(0).toString(16).toUpperCase()}`);
    }
  }
  return encoded;
}

/** A path segment, percent-encoded or raw (broken escapes included). */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.filter((text) => text.length > 0).map((text) => percentEncode(text.slice(0, 300))),
  fc.constantFrom('%', '%E0%A4%A', '%00', '%2F', '..', '.', '%2e%2e', 'a%20b', '%ZZ', 'x'.repeat(2_000), '%F0%9F%98%80'),
);

/** A query string value, percent-encoded. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((text) => percentEncode(text.slice(0, 300))),
  fc.constantFrom('', '%', '%ZZ', '1e400', '-1', '1.5', 'NaN', '0x10', '1,2', '%00'),
);
