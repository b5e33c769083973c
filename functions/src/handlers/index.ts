import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteName } from '../routes.ts';
import type { Deps } from '../use-cases/deps.ts';
import { makeHandler as apiKeysCreate } from './api-keys-create.ts';
import { makeHandler as apiKeysList } from './api-keys-list.ts';
import { makeHandler as apiKeysRevoke } from './api-keys-revoke.ts';
import { makeHandler as assign } from './assign.ts';
import { makeHandler as config } from './config.ts';
import { makeHandler as events } from './events.ts';
import { makeHandler as experimentsCreate } from './experiments-create.ts';
import { makeHandler as experimentsGet } from './experiments-get.ts';
import { makeHandler as experimentsLifecycle } from './experiments-lifecycle.ts';
import { makeHandler as experimentsList } from './experiments-list.ts';
import { makeHandler as experimentsUpdate } from './experiments-update.ts';
import { makeHandler as health } from './health.ts';
import { makeHandler as results } from './results.ts';
import { makeHandler as sdkKeysCreate } from './sdk-keys-create.ts';
import { makeHandler as sdkKeysList } from './sdk-keys-list.ts';
import { makeHandler as sdkKeysRevoke } from './sdk-keys-revoke.ts';

/** Every route's handler factory, for the local server; Lambda imports each file on its own. */
const handlerFactories = {
  health,
  config,
  assign,
  events,
  'experiments-list': experimentsList,
  'experiments-create': experimentsCreate,
  'experiments-get': experimentsGet,
  'experiments-update': experimentsUpdate,
  'experiments-lifecycle': experimentsLifecycle,
  results,
  'sdk-keys-list': sdkKeysList,
  'sdk-keys-create': sdkKeysCreate,
  'sdk-keys-revoke': sdkKeysRevoke,
  'api-keys-list': apiKeysList,
  'api-keys-create': apiKeysCreate,
  'api-keys-revoke': apiKeysRevoke,
} satisfies Record<RouteName, unknown>;

export type RouteHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Every route's handler, built with the deps each route should use (one set for all, or per route). */
export function routeHandlers(depsFor: Deps | ((route: RouteName) => Deps)): Record<RouteName, RouteHandler> {
  return Object.fromEntries(
    Object.entries(handlerFactories).map(([name, makeHandler]) => [
      name,
      makeHandler(typeof depsFor === 'function' ? depsFor(name as RouteName) : depsFor),
    ]),
  ) as unknown as Record<RouteName, RouteHandler>;
}
