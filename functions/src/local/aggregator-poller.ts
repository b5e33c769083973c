import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { Store } from '../store/store.ts';
import { aggregateStream, type StreamBatch } from '../use-cases/aggregate-stream.ts';
import { startStreamPoller, type StreamPoller, type StreamPollerOptions } from './stream-poller.ts';

/**
 * The stream poller feeding the aggregator, configured as the CDK app maps it in AWS: with a
 * tumbling window, because only tumbling-window invocations name the shard the aggregator's
 * watermarks are kept per.
 */
export function startAggregatorPoller(options: Omit<StreamPollerOptions, 'handler' | 'tumblingWindowInSeconds'> & { store: Store }): Promise<StreamPoller> {
  const { store, ...pollerOptions } = options;
  return startStreamPoller({
    ...pollerOptions,
    handler: (event: DynamoDBStreamEvent) => aggregateStream(store, event as unknown as StreamBatch),
    tumblingWindowInSeconds: 60,
  });
}
