import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaDeps } from '../composition.ts';
import { errorResponse, HttpError } from '../http/errors.ts';
import { lowerCaseHeaders, type HttpResponse } from '../http/http-handler.ts';
import { findRoute, isPublicRoute, routes } from '../routes.ts';
import type { Deps } from '../use-cases/deps.ts';
import { authorizeSdk } from '../use-cases/manage-keys.ts';
import { makeHandler as assign } from './assign.ts';
import { makeHandler as config } from './config.ts';
import { makeHandler as events } from './events.ts';
import { makeHandler as health } from './health.ts';

/** The routes web pages and servers call without a management key: health, config, assign, events. */
export const sdkEndpointRoutes = routes.filter(isPublicRoute);

/**
 * The public routes behind one Lambda function URL: the SDK's direct endpoint. A function URL
 * sends every path to one function (payload format 2.0, `routeKey` `$default`), so this looks the
 * route up in the shared route table and hands the request, shaped as API Gateway would have
 * routed it, to the same route handler the HTTP API invokes. It costs no API Gateway or
 * CloudFront request charge, which is most of what a page's event costs otherwise
 * (docs/performance.md, Cost).
 *
 * The function URL has no CORS settings of its own: it would add its headers to the function's
 * (two `access-control-allow-origin` headers, which browsers refuse), and it knows only one
 * deployment-wide list. The route handlers answer each page with its SDK key's own origins, and
 * this answers the preflights the same way.
 */
export function makeHandler(deps: Deps | (() => Deps)) {
  const depsNow = typeof deps === 'function' ? deps : () => deps;
  const handlers = { health: health(deps), config: config(deps), assign: assign(deps), events: events(deps) };
  return async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResponse> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    if (method === 'OPTIONS') return preflight(depsNow(), event);
    const found = findRoute(method, path, sdkEndpointRoutes);
    if (!found) return errorResponse(new HttpError(404, 'not_found', `No route ${method} ${path} here: this endpoint serves ${sdkEndpointRoutes.map((route) => route.path).join(', ')}.`));
    if (!('route' in found)) return errorResponse(new HttpError(405, 'method_not_allowed', `${path} accepts ${found.allowed.join(', ')}.`));
    const { route, params } = found;
    const routed = { ...event, routeKey: `${route.method} ${route.path}`, pathParameters: params, requestContext: { ...event.requestContext, routeKey: `${route.method} ${route.path}` } };
    return handlers[route.name as keyof typeof handlers](routed, context);
  };
}

/**
 * A CORS preflight: allowed when the path is a public route, the requested method is one it takes,
 * and the page's origin is on the SDK key's list (`?key=` travels with the preflight). Otherwise the
 * answer carries no CORS headers, and the browser does not send the request.
 */
async function preflight(deps: Deps, event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  const headers = lowerCaseHeaders(event);
  const origin = headers['origin'];
  const requested = (headers['access-control-request-method'] ?? '').toUpperCase();
  const found = findRoute(requested, event.rawPath, sdkEndpointRoutes);
  const refused: HttpResponse = { statusCode: 204, headers: { vary: 'Origin' } };
  if (!origin || !found || !('route' in found) || found.route.access !== 'sdk') return refused;
  try {
    await authorizeSdk(deps, event.queryStringParameters?.['key'], origin);
  } catch {
    return refused;
  }
  return {
    statusCode: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': found.route.method,
      'access-control-allow-headers': 'content-type, if-none-match',
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  };
}

export const handler = makeHandler(lambdaDeps);
