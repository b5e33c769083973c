import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { errorResponse, HttpError } from '../http/errors.ts';
import type { HttpResponse } from '../http/http-handler.ts';
import { logger } from '../http/logger.ts';
import { findRoute, matchPath, routes, type RouteName } from '../routes.ts';

type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

export interface StaticMount {
  /** URL prefix such as /sdk/ or /; longest prefix wins. */
  prefix: string;
  dir: string;
  /** File served for a directory or an unknown path under the prefix (single-page apps). */
  fallback?: string;
}

export interface LocalServerOptions {
  handlers: Record<RouteName, LambdaHandler>;
  mounts?: StaticMount[];
  /** JSON documents served at exact paths, e.g. `/deployment.json` (in AWS a file the deployment writes to the site bucket). */
  documents?: Record<string, unknown>;
}

/** Bodies past this are refused before they reach a handler (API Gateway's own limit is 10 MB). */
const MAX_READ_BYTES = 1024 * 1024;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

function send(response: ServerResponse, result: { statusCode?: number; headers?: Record<string, unknown>; body?: string; isBase64Encoded?: boolean }): void {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]));
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  response.writeHead(result.statusCode ?? 200, { ...headers, ...(body ? { 'content-length': body.length } : {}) });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_READ_BYTES) throw new HttpError(413, 'payload_too_large', `The request body may be at most ${MAX_READ_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The event Lambda receives for this request (payload format 2.0): from an HTTP API route (`routeKey`
 * `GET /v1/config`, path parameters) or from a function URL (`routeKey` `$default`, no parameters).
 */
function toApiGatewayEvent(request: IncomingMessage, url: URL, method: string, routeKey: string, params: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const isText = /^(text\/|application\/json)/.test(headers['content-type'] ?? 'text/plain');
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: request.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  };
}

function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `upshot-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:upshot-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/upshot-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function serveStatic(mounts: StaticMount[], path: string, response: ServerResponse): Promise<boolean> {
  const mount = mounts.filter((candidate) => path.startsWith(candidate.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!mount) return false;
  const root = resolve(mount.dir);
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice(mount.prefix.length));
  } catch {
    return false;
  }
  const candidates = [join(root, normalize(relative)), join(root, normalize(relative), 'index.html')];
  if (mount.fallback) candidates.push(join(root, mount.fallback));
  for (const file of candidates) {
    if (file !== root && !file.startsWith(root + sep)) continue;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    response.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(response);
    return true;
  }
  return false;
}

/**
 * The local twin of API Gateway + Lambda: each request to /v1/* becomes the same HTTP API
 * (payload 2.0) event Lambda receives and goes to the same handler; everything else is static.
 */
export function createLocalServer(options: LocalServerOptions): Server {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    try {
      if (url.pathname.startsWith('/v1/')) {
        const found = findRoute(method, url.pathname);
        if (method === 'OPTIONS') return preflight(request, response, url.pathname);
        if (!found) throw new HttpError(404, 'not_found', `No route ${method} ${url.pathname}. See the README for the API.`);
        if (!('route' in found)) throw new HttpError(405, 'method_not_allowed', `${url.pathname} accepts ${found.allowed.join(', ')}.`);
        const body = await readBody(request);
        const event = toApiGatewayEvent(request, url, found.route.method, `${found.route.method} ${found.route.path}`, found.params, body);
        const result = await options.handlers[found.route.name](event, lambdaContext(found.route.name, event.requestContext.requestId));
        return send(response, result);
      }
      const document = options.documents?.[url.pathname];
      if ((method === 'GET' || method === 'HEAD') && document !== undefined) {
        return send(response, { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }, body: method === 'GET' ? JSON.stringify(document) : undefined });
      }
      if ((method === 'GET' || method === 'HEAD') && (await serveStatic(options.mounts ?? [], url.pathname, response))) return;
      throw new HttpError(404, 'not_found', `Nothing at ${url.pathname}.`);
    } catch (error) {
      if (!(error instanceof HttpError)) logger.error('local server failed', { path: url.pathname, error });
      if (!response.headersSent) send(response, errorResponse(error));
      else response.destroy();
    }
  });
}

/** CORS preflight for the public routes; API Gateway answers it from its CORS settings in AWS. */
function preflight(request: IncomingMessage, response: ServerResponse, path: string): void {
  const origin = request.headers.origin;
  const isPublic = routes.some((route) => route.access === 'sdk' && matchPath(route.path, path));
  if (!isPublic || !origin) {
    response.writeHead(204);
    response.end();
    return;
  }
  response.writeHead(204, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
    vary: 'Origin',
  });
  response.end();
}

/**
 * The local twin of a Lambda function URL: every request, whatever its path and method (OPTIONS
 * included, since the URL has no CORS settings), becomes the event a function URL sends
 * (`routeKey` `$default`) and goes to the one handler.
 */
export function createFunctionUrlServer(options: { name: string; handler: LambdaHandler }): Server {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      const body = await readBody(request);
      const event = toApiGatewayEvent(request, url, (request.method ?? 'GET').toUpperCase(), '$default', {}, body);
      send(response, await options.handler(event, lambdaContext(options.name, event.requestContext.requestId)));
    } catch (error) {
      if (!(error instanceof HttpError)) logger.error('local function URL failed', { path: url.pathname, error });
      if (!response.headersSent) send(response, errorResponse(error));
      else response.destroy();
    }
  });
}
