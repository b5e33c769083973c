import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema } from '../domain/index.ts';
import { defineHandler, type Reply } from '../http/http-handler.ts';
import { toCsv, toMarkdown } from '../report/index.ts';
import { summarizeResults, type ResultsDocument } from '../use-cases/summarize-results.ts';

const query = z.object({
  goal: keySchema.optional(),
  phase: z.coerce.number().int().min(1).optional(),
  alpha: z.coerce.number().gt(0).lt(1).optional(),
  /** Visitors a month at full rollout, for the projected monthly profit. */
  visitorsPerMonth: z.coerce.number().min(0).max(1e12).optional(),
  format: z.enum(['json', 'csv', 'md']).default('json'),
});

function render(summary: ResultsDocument, format: z.output<typeof query>['format']): Reply {
  if (format === 'csv') {
    const filename = `${summary.experiment}-phase${summary.phase}-${summary.goal}.csv`;
    return {
      text: toCsv(summary),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` },
    };
  }
  if (format === 'md') return { text: toMarkdown(summary), headers: { 'content-type': 'text/markdown; charset=utf-8' } };
  return { body: summary };
}

export const makeHandler = defineHandler({
  route: 'results',
  params: z.object({ key: keySchema }),
  query,
  run: async (deps, { params, query: { format, ...options } }) => render(await summarizeResults(deps, params.key, options), format),
});

export const handler = makeHandler(lambdaDeps);
