import { isPublicRoute, routes, type RouteName } from '@upshot/functions/routes';

/**
 * Which DynamoDB actions each function needs, on which partitions. Worked out from the use cases
 * each handler calls and the adapter's key layout (functions/src/store/dynamodb-store.ts):
 *
 * - `EXP`      experiment definitions, one partition (GetItem one, Query the list, PutItem a change)
 * - `APIKEY`   management keys (GetItem to authenticate, Query to list or revoke, PutItem, UpdateItem)
 * - `SDKKEY`   public SDK keys (same)
 * - `VIS#…`    visitor states (BatchGetItem, conditional PutItem)
 * - `AGG#…`    counters (Query for results; UpdateItem and GetItem in the aggregator)
 *
 * The grant is an IAM condition on `dynamodb:LeadingKeys`, so for example the events function can
 * read experiment definitions but never write one, and only the aggregator moves counters.
 * `Store.rebuildCounters` (Scan, BatchWriteItem) is a local recovery path and no function gets it.
 */
export type Partition = 'EXP' | 'APIKEY' | 'SDKKEY' | 'VIS#*' | 'AGG#*';

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem';

export interface TableGrant {
  actions: TableAction[];
  partitions: Partition[];
}

/** A route's own function, the SDK endpoint (the public routes behind one function URL), or the stream aggregator. */
export type FunctionName = RouteName | 'sdk-endpoint' | 'aggregator';

/** Every SDK route checks the public key first. */
const checkSdkKey: TableGrant = { actions: ['dynamodb:GetItem'], partitions: ['SDKKEY'] };
/** Every management route checks the bearer key first. */
const checkApiKey: TableGrant = { actions: ['dynamodb:GetItem'], partitions: ['APIKEY'] };
/** The experiment cache lists all definitions with one Query. */
const listExperiments: TableGrant = { actions: ['dynamodb:Query'], partitions: ['EXP'] };
const getExperiment: TableGrant = { actions: ['dynamodb:GetItem'], partitions: ['EXP'] };
/** recordEvents: read the visitors' states in batches, write each back with one conditional PutItem. */
const writeVisitorStates: TableGrant = { actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'], partitions: ['VIS#*'] };

const routeAccess: Record<RouteName, TableGrant[]> = {
  health: [],
  config: [checkSdkKey, listExperiments],
  assign: [checkSdkKey, listExperiments, writeVisitorStates],
  events: [checkSdkKey, listExperiments, writeVisitorStates],
  'experiments-list': [checkApiKey, listExperiments],
  'experiments-create': [checkApiKey, { actions: ['dynamodb:PutItem'], partitions: ['EXP'] }],
  'experiments-get': [checkApiKey, getExperiment],
  'experiments-update': [checkApiKey, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['EXP'] }],
  'experiments-lifecycle': [checkApiKey, { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['EXP'] }],
  results: [checkApiKey, getExperiment, { actions: ['dynamodb:Query'], partitions: ['AGG#*'] }],
  'sdk-keys-list': [checkApiKey, { actions: ['dynamodb:Query'], partitions: ['SDKKEY'] }],
  'sdk-keys-create': [checkApiKey, { actions: ['dynamodb:PutItem'], partitions: ['SDKKEY'] }],
  'sdk-keys-revoke': [checkApiKey, { actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], partitions: ['SDKKEY'] }],
  'api-keys-list': [{ actions: ['dynamodb:GetItem', 'dynamodb:Query'], partitions: ['APIKEY'] }],
  'api-keys-create': [{ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], partitions: ['APIKEY'] }],
  'api-keys-revoke': [{ actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], partitions: ['APIKEY'] }],
};

export const tableAccess: Record<FunctionName, TableGrant[]> = {
  ...routeAccess,
  /** The SDK endpoint runs the public routes' handlers, so it needs exactly what they need together, and nothing else. */
  'sdk-endpoint': routes.filter(isPublicRoute).flatMap((route) => routeAccess[route.name]),
  /** applyCounterUpdate: one conditional UpdateItem, and a GetItem of the watermark after a retry. */
  aggregator: [{ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], partitions: ['AGG#*'] }],
};

/** Merges grants with the same partitions into one statement each, actions sorted, for a readable policy. */
export function statementsFor(grants: TableGrant[]): TableGrant[] {
  const byPartitions = new Map<string, Set<TableAction>>();
  for (const grant of grants) {
    const key = [...grant.partitions].sort().join(',');
    const actions = byPartitions.get(key) ?? new Set<TableAction>();
    grant.actions.forEach((action) => actions.add(action));
    byPartitions.set(key, actions);
  }
  return [...byPartitions].map(([partitions, actions]) => ({
    actions: [...actions].sort(),
    partitions: partitions.split(',') as Partition[],
  }));
}
