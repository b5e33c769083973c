import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
// A namespace import lets esbuild drop zod's other locales (about 370 KB of every bundle).
import * as z from 'zod';
import type { ZodType } from 'zod';
import { validationError, type ApiKeyRecord, type SdkKeyRecord } from '../domain/index.ts';
import { routeByName, type Route, type RouteName } from '../routes.ts';
import type { Deps } from '../use-cases/deps.ts';
import { authenticate, authorizeSdk } from '../use-cases/manage-keys.ts';
import { HttpError, errorResponse } from './errors.ts';
import { logger } from './logger.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export interface Reply {
  status?: number;
  body?: unknown;
  /** A body already serialized (CSV, Markdown): sent as is. */
  text?: string;
  headers?: Record<string, string>;
}

export interface RequestContext<Body, Query, Params> {
  body: Body;
  query: Query;
  params: Params;
  headers: Record<string, string | undefined>;
  apiKey?: ApiKeyRecord;
  sdkKey?: SdkKeyRecord;
}

interface HandlerSpec<Body extends ZodType, Query extends ZodType, Params extends ZodType> {
  route: RouteName;
  body?: Body;
  query?: Query;
  params?: Params;
  run: (deps: Deps, request: RequestContext<z.output<Body>, z.output<Query>, z.output<Params>>) => Promise<Reply>;
}

/** What the shared middlewares learn about a request, handed to the route on the Lambda context. */
type Internal = { apiKey?: ApiKeyRecord; sdkKey?: SdkKeyRecord; json?: unknown; origin?: string; headers?: Record<string, string | undefined> };
type HttpContext = Context & { upshot?: Internal };
type Request = middy.Request<HttpEvent, HttpResponse, Error, HttpContext>;
type Middleware = MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext>;

const internal = (request: Request): Internal => (request.context.upshot ??= {});

/** An event's headers with lower-case names (API Gateway passes them as the client sent them). */
export const lowerCaseHeaders = (event: HttpEvent): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));

/** The request's headers with lower-case names, computed once per request. */
const headersOf = (event: HttpEvent, known: Internal) => (known.headers ??= lowerCaseHeaders(event));

/** Turns every error into the one JSON body; 5xx details stay in the log, never in the response. */
const jsonErrors = (route: Route): Middleware => ({
  onError: async (request: Request) => {
    const response = errorResponse(request.error);
    if (response.statusCode >= 500) logger.error('request failed', { route: route.name, error: request.error });
    request.response = { ...response, headers: { ...response.headers, ...corsHeaders(route, internal(request).origin) } };
  },
});

/** Public routes answer pages on the SDK key's allowed origins; management routes send no CORS headers. */
function corsHeaders(route: Route, origin: string | undefined): Record<string, string> {
  if (route.access !== 'sdk' || !origin) return {};
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'etag', vary: 'Origin' };
}

/** Deeper documents serve no request and would exhaust the stack of recursive code further on. */
const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text, brackets inside strings ignored. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92 /* \\ */) index++;
      else if (char === 34 /* " */) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 || char === 91) deepest = Math.max(deepest, ++depth);
    else if (char === 125 || char === 93) depth--;
  }
  return deepest;
}

/** Envelope checks before anything else: content type (415), size (413), JSON syntax (400). */
const jsonBody = (route: Route): Middleware => ({
  before: async (request: Request) => {
    const event = request.event;
    if (route.method === 'GET' || route.method === 'DELETE') return;
    const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
    const limit = route.maxBodyBytes ?? 64 * 1024;
    if (Buffer.byteLength(raw) > limit) {
      throw new HttpError(413, 'payload_too_large', `The request body may be at most ${limit} bytes.`);
    }
    const contentType = (headersOf(event, internal(request))['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const allowed = route.contentTypes ?? ['application/json'];
    if (raw.length > 0 && !allowed.includes(contentType)) {
      throw new HttpError(415, 'unsupported_media_type', `Send the body as ${allowed.join(' or ')}.`, { contentType: contentType || null });
    }
    if (raw.trim().length === 0) {
      internal(request).json = {};
      return;
    }
    if (nestingDepth(raw) > MAX_JSON_DEPTH) {
      throw new HttpError(400, 'invalid_json', `The body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    try {
      internal(request).json = JSON.parse(raw);
    } catch (error) {
      // V8's message quotes the body around the fault; say only where it is, never what it says.
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      throw new HttpError(400, 'invalid_json', `The body is not valid JSON${position ? ` (at character ${position})` : ''}.`);
    }
  },
});

const access = (route: Route, deps: () => Deps): Middleware => ({
  before: async (request: Request) => {
    const headers = headersOf(request.event, internal(request));
    if (route.access === 'sdk') {
      const origin = headers['origin'];
      internal(request).sdkKey = await authorizeSdk(deps(), request.event.queryStringParameters?.['key'], origin);
      internal(request).origin = origin;
    } else if (route.access === 'admin' || route.access === 'analyst') {
      const authorization = headers['authorization'] ?? '';
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      internal(request).apiKey = await authenticate(deps(), bearer, route.access);
    }
  },
});

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return value as z.output<T>;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw validationError(where, parsed.error.issues);
}

/**
 * Builds a route's Lambda handler: middy with the shared envelope, access and error
 * middlewares, then the route's own schemas and its one use-case call. Handler files export
 * `makeHandler = defineHandler({...})` and `handler = makeHandler(lambdaDeps)`: deps are built
 * on the first invocation, so importing a handler reads no environment.
 */
export function defineHandler<Body extends ZodType = ZodType<unknown>, Query extends ZodType = ZodType<unknown>, Params extends ZodType = ZodType<unknown>>(
  spec: HandlerSpec<Body, Query, Params>,
) {
  const route = routeByName(spec.route);
  return (depsOrFactory: Deps | (() => Deps)) => {
    const deps = typeof depsOrFactory === 'function' ? depsOrFactory : () => depsOrFactory;
    return middy<HttpEvent, HttpResponse, Error, HttpContext>()
      .use(jsonErrors(route))
      .use(jsonBody(route))
      .use(access(route, deps))
      .handler(async (event, context): Promise<HttpResponse> => {
        const known = context.upshot ?? {};
        const reply = await spec.run(deps(), {
          body: parse(spec.body, known.json, 'body'),
          query: parse(spec.query, event.queryStringParameters ?? {}, 'query'),
          params: parse(spec.params, event.pathParameters ?? {}, 'path'),
          headers: headersOf(event, known),
          apiKey: known.apiKey,
          sdkKey: known.sdkKey,
        });
        const headers = { ...corsHeaders(route, known.origin), ...reply.headers };
        if (reply.text !== undefined) return { statusCode: reply.status ?? 200, headers, body: reply.text };
        return {
          statusCode: reply.status ?? 200,
          headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
          body: reply.body === undefined ? '' : JSON.stringify(reply.body),
        };
      });
  };
}
