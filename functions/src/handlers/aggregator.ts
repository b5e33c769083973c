import type { DynamoDBStreamEvent } from 'aws-lambda';
import { lambdaDeps } from '../composition.ts';
import type { Deps } from '../use-cases/deps.ts';
import { aggregateStream, type StreamBatch } from '../use-cases/aggregate-stream.ts';

/** The DynamoDB Streams consumer: visitor-state changes in, counter updates out, partial batch failures back. */
export const makeHandler = (deps: Deps | (() => Deps)) => async (event: DynamoDBStreamEvent & { shardId?: string }) =>
  aggregateStream((typeof deps === 'function' ? deps() : deps).store, event as StreamBatch);

export const handler = makeHandler(lambdaDeps);
