/**
 * The route table: data only. The local server dispatches with it, the CDK app creates one
 * function and one HTTP API route per entry from it, and the http glue reads each route's access.
 *
 * access: `public` (no key), `sdk` (public SDK key in `?key=`, origin allow-list, CORS),
 * `analyst` (any management key), `admin` (admin management key).
 */
export type Access = 'public' | 'sdk' | 'analyst' | 'admin';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface Route {
  name: RouteName;
  method: Method;
  path: string;
  access: Access;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Content types a POST/PATCH may use; text/plain lets beacons skip the CORS preflight. */
  contentTypes?: readonly string[];
}

export const routeNames = [
  'health',
  'config',
  'assign',
  'events',
  'experiments-list',
  'experiments-create',
  'experiments-get',
  'experiments-update',
  'experiments-lifecycle',
  'results',
  'sdk-keys-list',
  'sdk-keys-create',
  'sdk-keys-revoke',
  'api-keys-list',
  'api-keys-create',
  'api-keys-revoke',
] as const;
export type RouteName = (typeof routeNames)[number];

const JSON_ONLY = ['application/json'] as const;
const BEACON = ['application/json', 'text/plain'] as const;

export const routes: readonly Route[] = [
  { name: 'health', method: 'GET', path: '/v1/health', access: 'public' },
  { name: 'config', method: 'GET', path: '/v1/config', access: 'sdk' },
  { name: 'assign', method: 'POST', path: '/v1/assign', access: 'sdk', maxBodyBytes: 16 * 1024, contentTypes: BEACON },
  { name: 'events', method: 'POST', path: '/v1/events', access: 'sdk', maxBodyBytes: 64 * 1024, contentTypes: BEACON },
  { name: 'experiments-list', method: 'GET', path: '/v1/experiments', access: 'analyst' },
  { name: 'experiments-create', method: 'POST', path: '/v1/experiments', access: 'admin', maxBodyBytes: 256 * 1024, contentTypes: JSON_ONLY },
  { name: 'experiments-get', method: 'GET', path: '/v1/experiments/{key}', access: 'analyst' },
  { name: 'experiments-update', method: 'PATCH', path: '/v1/experiments/{key}', access: 'admin', maxBodyBytes: 256 * 1024, contentTypes: JSON_ONLY },
  { name: 'experiments-lifecycle', method: 'POST', path: '/v1/experiments/{key}/{action}', access: 'admin', maxBodyBytes: 256 * 1024, contentTypes: JSON_ONLY },
  { name: 'results', method: 'GET', path: '/v1/experiments/{key}/results', access: 'analyst' },
  { name: 'sdk-keys-list', method: 'GET', path: '/v1/sdk-keys', access: 'admin' },
  { name: 'sdk-keys-create', method: 'POST', path: '/v1/sdk-keys', access: 'admin', maxBodyBytes: 16 * 1024, contentTypes: JSON_ONLY },
  { name: 'sdk-keys-revoke', method: 'DELETE', path: '/v1/sdk-keys/{id}', access: 'admin' },
  { name: 'api-keys-list', method: 'GET', path: '/v1/api-keys', access: 'admin' },
  { name: 'api-keys-create', method: 'POST', path: '/v1/api-keys', access: 'admin', maxBodyBytes: 16 * 1024, contentTypes: JSON_ONLY },
  { name: 'api-keys-revoke', method: 'DELETE', path: '/v1/api-keys/{id}', access: 'admin' },
];

/** Routes the SDK and pages call: no management key, CORS for the configured origins. */
export const isPublicRoute = (route: Route): boolean => route.access === 'public' || route.access === 'sdk';

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: Method[] } | null;

const sortedLists = new WeakMap<readonly Route[], Route[]>();

/** Most specific template first, so /v1/experiments/{key}/results wins over /v1/experiments/{key}/{action}; sorted once per list. */
function bySpecificity(candidates: readonly Route[]): Route[] {
  let sorted = sortedLists.get(candidates);
  if (!sorted) {
    sorted = [...candidates].sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0));
    sortedLists.set(candidates, sorted);
  }
  return sorted;
}

/**
 * The route for a request: the match with its path parameters, `{ allowed }` when the path exists
 * with other methods only (a 405), or null (a 404). HEAD is looked up as GET.
 */
export function findRoute(method: string, path: string, candidates: readonly Route[] = routes): RouteMatch {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const ordered = bySpecificity(candidates);
  const allowed: Method[] = [];
  for (const route of ordered) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === wanted) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}

export function routeByName(name: RouteName): Route {
  const route = routes.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`No route named ${name}`);
  return route;
}

/** Matches a concrete path against a template such as /v1/experiments/{key}; returns the parameters. */
export function matchPath(template: string, path: string): Record<string, string> | null {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index++) {
    const part = expected[index]!;
    const value = actual[index]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      if (!value) return null;
      try {
        params[part.slice(1, -1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) return null;
  }
  return params;
}
