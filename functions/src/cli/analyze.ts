import type * as z from 'zod';
import { csvHeader, toCsvRows, toMarkdown } from '../report/index.ts';
import { summarize, type ResultSummary, type SummaryInput } from '../stats/index.ts';
import { analyzeInputSchema } from './analyze-input.ts';
import { scanJson, type JsonPath } from './json-locations.ts';

/** One problem with the input, located for the person who has to fix it. */
export interface InputProblem {
  /** "line 3" or "item 2" */
  where: string;
  /** e.g. "variants[1].conversions"; empty for the whole experiment */
  field: string;
  message: string;
}

/** Input `upshot analyze` cannot use; nothing has been computed. */
/** Where a problem is and what it is: `line 3, variants: …`. */
export const describeProblem = (problem: InputProblem): string => `${problem.where}${problem.field ? `, ${problem.field}` : ''}: ${problem.message}`;

export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(describeProblem).join('\n'));
    this.name = 'InputError';
  }
}

interface Document {
  value: unknown;
  /** where the document starts, for messages */
  where: string;
  /** the line of a path inside it */
  lineOf?: (path: JsonPath) => number;
  /** a JSON syntax error on this line */
  syntaxError?: string;
}

/** `variants.1.conversions` → `variants[1].conversions` */
export function fieldName(path: JsonPath): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `is missing (expected ${issue.expected})`;
  return issue.message;
}

/**
 * Splits the text into experiment documents: one JSON value (an object, or an array of
 * them) or JSON lines, one object per non-blank line. A syntax error names its line.
 */
export function readDocuments(text: string): Document[] {
  const source = text.replace(/^\uFEFF/, '');
  if (source.trim() === '') throw new InputError([{ where: 'input', field: '', message: 'is empty: expected an experiment as JSON or JSON lines' }]);
  let whole: unknown;
  let wholeParsed = true;
  try {
    whole = JSON.parse(source);
  } catch {
    wholeParsed = false;
  }
  if (wholeParsed) {
    let scanned: ReturnType<typeof scanJson> | undefined;
    const lineOf = (path: JsonPath) => (scanned ??= scanJson(source)).lineOf(path);
    if (Array.isArray(whole)) {
      return whole.map((value, index) => ({ value, where: `item ${index + 1}`, lineOf: (path: JsonPath) => lineOf([index, ...path]) }));
    }
    return [{ value: whole, where: 'input', lineOf }];
  }

  const lines = source.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  let firstLineIsJson = true;
  try {
    JSON.parse(lines[first]!);
  } catch {
    firstLineIsJson = false;
  }
  if (!firstLineIsJson) {
    const error = scanJson(source).error;
    throw new InputError([{ where: `line ${error?.line ?? 1}`, field: '', message: `is not valid JSON: ${error?.message ?? 'syntax error'}` }]);
  }
  const documents: Document[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `line ${index + 1}`;
    try {
      documents.push({ value: JSON.parse(line), where });
    } catch {
      documents.push({ value: undefined, where, syntaxError: `is not valid JSON: ${scanJson(line).error?.message ?? 'syntax error'}` });
    }
  });
  return documents;
}

/** A validated experiment and where it came from. */
export interface LocatedInput {
  input: SummaryInput;
  where: string;
}

/**
 * Every experiment in the text (JSON or JSON lines), validated. All problems are
 * reported together, before any computing, so a batch never half succeeds.
 */
export function readInputs(text: string): LocatedInput[] {
  const documents = readDocuments(text);
  const problems: InputProblem[] = [];
  const inputs: LocatedInput[] = [];
  for (const document of documents) {
    if (document.syntaxError !== undefined) {
      problems.push({ where: document.where, field: '', message: document.syntaxError });
      continue;
    }
    const parsed = analyzeInputSchema.safeParse(document.value);
    if (parsed.success) {
      inputs.push({ input: parsed.data, where: document.where });
      continue;
    }
    for (const issue of parsed.error.issues) {
      const line = document.lineOf?.(issue.path);
      problems.push({
        where: line === undefined ? document.where : `${document.where === 'input' ? '' : `${document.where}, `}line ${line}`,
        field: fieldName(issue.path),
        message: describeIssue(issue),
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return inputs;
}

/** The engine's summary of one validated experiment; its RangeError (which validation should prevent) as an InputError. */
export function summarizeInput({ input, where }: LocatedInput): ResultSummary {
  try {
    return summarize(input);
  } catch (error) {
    if (error instanceof RangeError) throw new InputError([{ where, field: '', message: error.message }]);
    throw error;
  }
}

export type AnalyzeFormat = 'json' | 'md' | 'csv';

const CHUNK = 1 << 20;

/**
 * What `upshot analyze` prints, handed to `write` in chunks of about a megabyte as the
 * experiments are summarized: JSON lines, Markdown reports, or one CSV table.
 */
export function analyze(text: string, format: AnalyzeFormat, write: (chunk: string) => void): void {
  const inputs = readInputs(text);
  const render = format === 'csv' ? toCsvRows : format === 'md' ? toMarkdown : (summary: ResultSummary) => `${JSON.stringify(summary)}\n`;
  const separator = format === 'md' ? '\n' : '';
  let pending = format === 'csv' ? csvHeader() : '';
  inputs.forEach((input, index) => {
    pending += (index > 0 ? separator : '') + render(summarizeInput(input));
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  });
  if (pending.length > 0) write(pending);
}
