import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, FunctionUrlAuthType, StartingPosition, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { isPublicRoute, routes } from '@upshot/functions/routes';
import type { Throttle, UpshotConfig } from './config.ts';
import { Monitoring } from './monitoring.ts';
import { tableAccess } from './table-access.ts';
import { UpshotFunction } from './upshot-function.ts';

export interface ApiStackProps extends StackProps {
  config: UpshotConfig;
  table: ITableV2;
}

/**
 * API access logs, one JSON object per request. No source IP and no user agent: Upshot stores no
 * personal data (DESIGN §7), and the SDK key travels in the query string, which is not logged either.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);


/**
 * The Lambda functions (one per route of functions/src/routes.ts, the SDK endpoint, and the
 * stream aggregator), two HTTP APIs — public and management, so CORS exists only where the SDK
 * needs it and each side has its own throttling — the SDK endpoint's function URL (the public
 * routes without API Gateway or CloudFront request charges), and the alarms and dashboard that
 * watch them.
 */
export class ApiStack extends Stack {
  readonly functions = new Map<string, UpshotFunction>();
  readonly sdkEndpoint: UpshotFunction;
  readonly sdkEndpointUrl: FunctionUrl;
  readonly aggregator: UpshotFunction;
  readonly failureQueue: Queue;
  readonly publicApi: HttpApi;
  readonly managementApi: HttpApi;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, table } = props;
    const environment = {
      TABLE_NAME: table.tableName,
      RETENTION_DAYS: String(config.retentionDays),
      CONFIG_CACHE_SECONDS: String(config.configCacheSeconds),
    };
    const functionDefaults = {
      table,
      environment,
      memorySize: config.memorySize,
      logRetention: config.logRetentionDays,
      tracing: config.tracing,
    };

    for (const route of routes) {
      const fn = new UpshotFunction(this, pascal(route.name), {
        ...functionDefaults,
        name: route.name,
        handlerFile: `${route.name}.ts`,
        description: `Upshot ${route.method} ${route.path} (${route.access})`,
        grants: tableAccess[route.name],
        timeout: Duration.seconds(10),
      });
      Validations.of(fn.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'API Gateway invokes this function synchronously: an error goes back to the caller as the response, and a dead-letter queue only ever receives asynchronous invocations.',
      });
      this.functions.set(route.name, fn);
    }

    this.publicApi = this.httpApi('PublicApi', 'public routes: health, config, assign, events', config.publicThrottle, config.allowedOrigins, config.logRetentionDays);
    this.managementApi = this.httpApi('ManagementApi', 'management routes: experiments, results, keys', config.managementThrottle, [], config.logRetentionDays);
    for (const route of routes) {
      const api = isPublicRoute(route) ? this.publicApi : this.managementApi;
      const [apiRoute] = api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.name)}Integration`, this.functions.get(route.name)!.function),
      });
      Validations.of(apiRoute!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          route.access === 'public'
            ? 'The health check is public on purpose: it reads nothing and says only that the API answers.'
            : route.access === 'sdk'
              ? 'Authorized in the function: a public SDK key (stored as its SHA-256) and its origin allow-list, checked on every request by the shared http glue.'
              : `Authorized in the function: a bearer API key with the ${route.access} role, stored and looked up as its SHA-256 by the shared http glue.`,
      });
    }

    const publicRoutes = routes.filter(isPublicRoute);
    this.sdkEndpoint = new UpshotFunction(this, 'SdkEndpoint', {
      ...functionDefaults,
      name: 'sdk-endpoint',
      handlerFile: 'sdk-endpoint.ts',
      description: `Upshot SDK endpoint (function URL): ${publicRoutes.map((route) => `${route.method} ${route.path}`).join(', ')}`,
      grants: tableAccess['sdk-endpoint'],
      timeout: Duration.seconds(10),
      // A function URL has no stage throttling: reserved concurrency is its cap, when the account has room for one.
      reservedConcurrentExecutions: config.sdkEndpointConcurrency,
    });
    Validations.of(this.sdkEndpoint.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'Its function URL invokes this function synchronously: an error goes back to the caller as the response, and a dead-letter queue only ever receives asynchronous invocations.',
    });
    // Authorization is in the function, as on the public API's routes: the SDK key and its origin allow-list (health reads nothing).
    // No CORS settings on the URL: Lambda would send its headers next to the function's (a doubled
    // Access-Control-Allow-Origin, which browsers refuse); the function answers CORS, preflights
    // included, for each SDK key's own origins.
    this.sdkEndpointUrl = this.sdkEndpoint.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    this.failureQueue = new Queue(this, 'AggregatorFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      Validations.of(this.failureQueue).acknowledge({
        id,
        reason: "This queue is itself the failure destination of the aggregator's stream mapping (it receives the positions of batches that kept failing); nothing consumes it automatically, so there is nothing to redrive.",
      });
    }

    this.aggregator = new UpshotFunction(this, 'Aggregator', {
      ...functionDefaults,
      name: 'aggregator',
      handlerFile: 'aggregator.ts',
      description: 'Upshot stream aggregator: visitor-state changes to counters, exactly once per shard',
      grants: tableAccess.aggregator,
      timeout: Duration.seconds(60),
    });
    Validations.of(this.aggregator.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: "A stream event source mapping does not use the function's dead-letter queue; batches that keep failing go to the mapping's SQS on-failure destination (AggregatorFailures).",
    });
    this.aggregator.function.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: config.aggregator.batchSize,
        maxBatchingWindow: Duration.seconds(config.aggregator.maxBatchingWindowSeconds),
        // Only tumbling-window invocations name their shard, and the counters' watermark is per shard.
        tumblingWindow: Duration.seconds(config.aggregator.tumblingWindowSeconds),
        // One batch at a time per shard, so records arrive in sequence order.
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        retryAttempts: config.aggregator.retryAttempts,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failureQueue),
        // Counter items and key changes also stream; only visitor-state inserts and updates move counters.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { pk: { S: FilterRule.beginsWith('VIS#') } } },
          }),
        ],
      }),
    );

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: config.stage,
      apis: [
        { name: 'Public API', api: this.publicApi },
        { name: 'Management API', api: this.managementApi },
      ],
      functionUrls: [{ name: 'SDK endpoint', fn: this.sdkEndpoint }],
      functions: [...this.functions.values(), this.sdkEndpoint, this.aggregator],
      aggregator: this.aggregator,
      failureQueue: this.failureQueue,
      table,
      alarms: config.alarms,
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'PublicApiUrl', { value: this.publicApi.apiEndpoint, description: 'The public API (CloudFront serves it under /v1 on the site domain).' });
    new CfnOutput(this, 'ManagementApiUrl', { value: this.managementApi.apiEndpoint, description: 'The management API (CloudFront serves it under /v1 on the site domain).' });
    new CfnOutput(this, 'SdkEndpointUrl', {
      value: this.sdkEndpointUrl.url,
      description:
        "Give this URL to the SDK as apiUrl for the cheapest path (a Lambda function URL: no API Gateway or CloudFront request charge). The CloudFront domain serves the same routes under /v1 at a higher per-request cost.",
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Subscribe to this topic to receive the alarms.' });
  }

  /** An HTTP API with one auto-deployed `$default` stage: throttled, JSON access logs, CORS only if origins are given. */
  private httpApi(id: string, description: string, throttle: Throttle, origins: string[], logRetention: RetentionDays): HttpApi {
    const api = new HttpApi(this, id, {
      description: `Upshot ${description}`,
      createDefaultStage: false,
      corsPreflight: origins.length
        ? {
            allowOrigins: origins,
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
            allowHeaders: ['content-type', 'if-none-match'],
            exposeHeaders: ['etag'],
            maxAge: Duration.minutes(10),
          }
        : undefined,
    });
    const accessLogs = new LogGroup(this, `${id}AccessLogs`, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    new HttpStage(this, `${id}Stage`, {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: throttle.rateLimit, burstLimit: throttle.burstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    return api;
  }
}

/** `experiments-list` → `ExperimentsList`: construct ids that read like the route. */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
}
