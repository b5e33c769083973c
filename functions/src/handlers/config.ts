import { lambdaDeps } from '../composition.ts';
import { defineHandler } from '../http/http-handler.ts';
import { getPublicConfig } from '../use-cases/public-config.ts';

export const makeHandler = defineHandler({
  route: 'config',
  run: async (deps, request) => {
    const { config, etag } = await getPublicConfig(deps);
    const headers = { etag, 'cache-control': 'public, max-age=30, stale-while-revalidate=300' };
    if (request.headers['if-none-match'] === etag) return { status: 304, text: '', headers };
    return { body: config, headers };
  },
});

export const handler = makeHandler(lambdaDeps);
