import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { seededRandom } from '../../../src/local/seeded-random.ts';

/**
 * What a DynamoDB request can suffer, shaped like what the AWS SDK itself produces:
 * - `throttling` / `provisioned-throughput`: the service refused the request (HTTP 400, not applied);
 * - `internal`: the service failed (HTTP 500, not applied);
 * - `timeout-before`: the socket timed out before the request reached DynamoDB (not applied);
 * - `timeout-after`: the request was applied but its response was lost (applied, then a TimeoutError).
 */
export const faultKinds = ['throttling', 'provisioned-throughput', 'internal', 'timeout-before', 'timeout-after'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultOptions {
  /** Share of request attempts that fail, 0–1. */
  rate: number;
  seed: number;
  kinds?: readonly FaultKind[];
  /** Which operations may fail, by command name (`PutItemCommand`, `UpdateItemCommand`, …); all by default. */
  commands?: readonly string[];
}

export interface FaultInjector {
  /** Every attempt seen (the SDK's retries included), by command name. */
  readonly attempts: Record<string, number>;
  /** Faults injected, by `<command>:<kind>`. */
  readonly injected: Record<string, number>;
  /** Total faults of one kind, or of all kinds. */
  count(kind?: FaultKind, command?: string): number;
  setRate(rate: number): void;
}

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'INJECTED', attempts: 1, totalRetryDelay: 0 });

/** The errors the SDK raises for each fault, with the names and status codes its retry strategy classifies. */
export function faultError(kind: FaultKind): Error {
  switch (kind) {
    case 'throttling':
      return new ThrottlingException({ message: 'Throughput exceeds the current capacity of your table or index. (injected)', $metadata: metadata(400) });
    case 'provisioned-throughput':
      return new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded. (injected)',
        $metadata: metadata(400),
      });
    case 'internal':
      return new InternalServerError({ message: 'Internal server error (injected)', $metadata: metadata(500) });
    case 'timeout-before':
    case 'timeout-after':
      // What @smithy/node-http-handler throws when the socket times out.
      return Object.assign(new Error('Connection timed out after 1000 ms (injected)'), { name: 'TimeoutError' });
  }
}

/**
 * Adds a middleware to the real client's stack, inside the SDK's retry middleware and before the
 * request is signed and sent, so the SDK's own retry strategy, the adapter's error handling and the
 * callers above them all see the fault. `timeout-after` lets the request through and throws once
 * DynamoDB has answered, the way a response lost on the network looks to the caller.
 */
export function injectFaults(client: DynamoDBClient, options: FaultOptions): FaultInjector {
  const random = seededRandom(options.seed);
  const kinds = options.kinds ?? faultKinds;
  let rate = options.rate;
  const attempts: Record<string, number> = {};
  const injected: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'unknown');
      attempts[command] = (attempts[command] ?? 0) + 1;
      if ((options.commands && !options.commands.includes(command)) || random() >= rate) return next(args);
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      if (kind === 'timeout-after') {
        // An error answer (a failed condition) is passed on as it is: nothing was applied to lose.
        await next(args);
      }
      injected[`${command}:${kind}`] = (injected[`${command}:${kind}`] ?? 0) + 1;
      throw faultError(kind);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'upshotFaultInjection', tags: ['TEST'] },
  );
  return {
    attempts,
    injected,
    count: (kind, command) =>
      Object.entries(injected)
        .filter(([name]) => {
          const [commandName, kindName] = name.split(':');
          return (!kind || kindName === kind) && (!command || commandName === command);
        })
        .reduce((sum, [, value]) => sum + value, 0),
    setRate: (next) => {
      rate = next;
    },
  };
}
