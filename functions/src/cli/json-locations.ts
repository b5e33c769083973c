/**
 * Where things are in a JSON text, for error messages that name a line: the first syntax
 * error (JSON.parse's message often gives no position) and the line each value starts
 * on, by path. Only run after JSON.parse or validation has failed.
 */

export type JsonPath = readonly PropertyKey[];

export interface JsonScan {
  /** the first syntax error, if any */
  error: { line: number; message: string } | null;
  /** the line a value starts on, by its path; for a path past what was read, its nearest ancestor's */
  lineOf: (path: JsonPath) => number;
}

const pathKey = (path: JsonPath) => path.map(String).join('\u0000');

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function scanJson(text: string): JsonScan {
  const starts = new Map<string, number>();
  let at = 0;

  const fail = (message: string, offset = at): never => {
    throw new SyntaxFailure(offset, message);
  };
  const describe = () => (at >= text.length ? 'the end of the input' : `'${text[at]}'`);
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const expect = (character: string, what: string) => {
    skipSpace();
    if (text[at] !== character) fail(`expected ${what} but found ${describe()}`);
    at++;
  };

  const string = () => {
    const start = at++;
    while (at < text.length && text[at] !== '"') {
      const code = text.charCodeAt(at);
      if (code < 0x20) fail('a string cannot hold a raw line break or control character');
      if (text[at] === '\\') {
        const next = text[at + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('invalid \\u escape in a string');
          at += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail('invalid escape in a string');
        at += 2;
        continue;
      }
      at++;
    }
    if (at >= text.length) fail('unterminated string', start);
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };

  const value = (path: PropertyKey[]): void => {
    skipSpace();
    starts.set(pathKey(path), at);
    const character = text[at];
    if (character === '{') {
      at++;
      skipSpace();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail(`expected a property name in double quotes but found ${describe()}`);
        const name = string();
        expect(':', "':' after a property name");
        value([...path, name]);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === '}') {
          at++;
          return;
        }
        fail(`expected ',' or '}' but found ${describe()}`);
      }
    }
    if (character === '[') {
      at++;
      skipSpace();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (let index = 0; ; index++) {
        value([...path, index]);
        skipSpace();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] === ']') {
          at++;
          return;
        }
        fail(`expected ',' or ']' but found ${describe()}`);
      }
    }
    if (character === '"') {
      string();
      return;
    }
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 400));
    if (literal === null) fail(`unexpected ${describe()}`);
    at += literal![0].length;
  };

  const lineAt = (offset: number) => {
    let line = 1;
    for (let index = 0; index < offset && index < text.length; index++) if (text[index] === '\n') line++;
    return line;
  };

  let error: JsonScan['error'] = null;
  try {
    value([]);
    skipSpace();
    if (at < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  } catch (caught) {
    if (!(caught instanceof SyntaxFailure)) throw caught;
    error = { line: lineAt(caught.offset), message: caught.message };
  }
  return {
    error,
    lineOf: (path) => {
      for (let length = path.length; length >= 0; length--) {
        const offset = starts.get(pathKey(path.slice(0, length)));
        if (offset !== undefined) return lineAt(offset);
      }
      return 1;
    },
  };
}
