import { Tags, Validations, type App, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ApiStack } from './api-stack.ts';
import type { UpshotConfig } from './config.ts';
import { DataStack } from './data-stack.ts';
import { WebStack } from './web-stack.ts';

export interface UpshotStacks {
  data: DataStack;
  api: ApiStack;
  web: WebStack;
}

/**
 * Upshot's three stacks — data (the table), API (functions, HTTP APIs, the SDK endpoint's
 * function URL, stream aggregator, alarms) and web (bucket, CloudFront) — with cdk-nag's AWS
 * Solutions and Serverless rule packs checking every resource at synth: a finding without a
 * written acknowledgement stops synth.
 */
export function buildUpshot(app: App, config: UpshotConfig, env?: Environment): UpshotStacks {
  const prefix = `Upshot-${config.stage}`;
  const data = new DataStack(app, `${prefix}-Data`, { env, description: 'Upshot data: the DynamoDB table (retained on deletion).' });
  const api = new ApiStack(app, `${prefix}-Api`, {
    env,
    description: "Upshot API: Lambda functions, HTTP APIs, the SDK endpoint's function URL, stream aggregator, alarms and dashboard.",
    config,
    table: data.table,
  });
  const web = new WebStack(app, `${prefix}-Web`, {
    env,
    description: 'Upshot web: dashboard and SDK on S3 behind CloudFront, with /v1 routed to the API.',
    config,
    publicApi: api.publicApi,
    managementApi: api.managementApi,
    sdkEndpointUrl: api.sdkEndpointUrl.url,
  });
  Tags.of(app).add('upshot:stage', config.stage);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { data, api, web };
}
