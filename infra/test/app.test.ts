import { Match } from 'aws-cdk-lib/assertions';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { isPublicRoute, routes } from '../../functions/src/routes.ts';
import { allows, statementsOfRole, tableGrants, type Statement } from './support/iam.ts';
import { resourcesOf, synthesize, type Synthesized } from './support/synth.ts';

let synth: Synthesized;

beforeAll(() => {
  // Templates only: the bundles are built and run by infra/test/cdk-cli.test.ts, through the real CLI.
  synth = synthesize({ bundle: false });
}, 180_000);

interface FunctionResource {
  logicalId: string;
  properties: Record<string, any>;
  statements: Statement[];
}

/** The public routes, which the SDK endpoint serves behind its function URL. */
const publicRoutes = routes.filter(isPublicRoute);

/** The functions of the API stack by name: each route's name, `sdk-endpoint` and `aggregator`. */
function functions(): Map<string, FunctionResource> {
  const found = new Map<string, FunctionResource>();
  for (const [logicalId, resource] of Object.entries(resourcesOf(synth.api, 'AWS::Lambda::Function'))) {
    const properties = resource.Properties as Record<string, any>;
    const description = String(properties['Description']);
    const name = description.startsWith('Upshot stream aggregator')
      ? 'aggregator'
      : description.startsWith('Upshot SDK endpoint')
        ? 'sdk-endpoint'
        : routes.find((route) => description === `Upshot ${route.method} ${route.path} (${route.access})`)?.name;
    if (!name) continue;
    found.set(name, { logicalId, properties, statements: statementsOfRole(synth.api, properties['Role']['Fn::GetAtt'][0]) });
  }
  return found;
}

const functionNamed = (name: string): FunctionResource => {
  const found = functions().get(name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
};

describe('data stack', () => {
  it('has one on-demand table with string pk/sk, TTL on expiresAt and a stream with new and old images', () => {
    synth.data.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    synth.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('encrypts the table with KMS and turns on point-in-time recovery and deletion protection', () => {
    synth.data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
    });
  });

  it('retains the table when the stack is deleted or the table replaced', () => {
    synth.data.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('outputs the table name for the key bootstrap', () => {
    synth.data.hasOutput('TableName', { Value: { Ref: Match.anyValue() } });
  });
});

describe('api stack: functions', () => {
  it('creates one function per route of the route table, plus the SDK endpoint and the aggregator', () => {
    const found = functions();
    expect([...found.keys()].sort()).toEqual([...routes.map((route) => route.name), 'sdk-endpoint', 'aggregator'].sort());
    synth.api.resourceCountIs('AWS::Lambda::Function', routes.length + 2);
  });

  it('names the public routes the SDK endpoint serves in its description', () => {
    expect(functionNamed('sdk-endpoint').properties['Description']).toBe(
      `Upshot SDK endpoint (function URL): ${publicRoutes.map((route) => `${route.method} ${route.path}`).join(', ')}`,
    );
  });

  it('runs every function on arm64 Node 24 as bundled ESM, with memory, timeout and the configuration variables', () => {
    for (const [name, fn] of functions()) {
      expect(fn.properties, name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: name === 'aggregator' ? 60 : 10,
      });
      const variables = fn.properties['Environment']['Variables'];
      expect(variables, name).toMatchObject({ RETENTION_DAYS: '400', CONFIG_CACHE_SECONDS: '5', NODE_OPTIONS: '--enable-source-maps' });
      expect(JSON.stringify(variables['TABLE_NAME']), name).toContain('Upshot-prod-Data');
      // Lambda sets AWS_REGION itself, and no key or secret is ever passed in the environment.
      expect(Object.keys(variables).sort(), name).toEqual(['CONFIG_CACHE_SECONDS', 'NODE_OPTIONS', 'RETENTION_DAYS', 'TABLE_NAME']);
    }
  });

  it('logs JSON into a log group per function that keeps 90 days', () => {
    const logGroups = resourcesOf(synth.api, 'AWS::Logs::LogGroup');
    for (const [name, fn] of functions()) {
      const logGroup = fn.properties['LoggingConfig']['LogGroup']['Ref'];
      expect(fn.properties['LoggingConfig'], name).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' });
      expect(logGroups[logGroup]?.Properties?.['RetentionInDays'], name).toBe(90);
    }
    for (const [id, logGroup] of Object.entries(logGroups)) expect(logGroup.Properties?.['RetentionInDays'], id).toBe(90);
  });

  it('gives every function its own role without managed policies', () => {
    const roles = resourcesOf(synth.api, 'AWS::IAM::Role');
    const roleIds = [...functions().values()].map((fn) => fn.properties['Role']['Fn::GetAtt'][0]);
    expect(new Set(roleIds).size).toBe(routes.length + 2);
    for (const id of roleIds) expect(roles[id]?.Properties?.['ManagedPolicyArns'], id).toBeUndefined();
  });
});

describe('api stack: least privilege on the table', () => {
  /** Worked out by hand from the use cases each handler calls and the adapter's key layout. */
  const expected: Record<string, string[]> = {
    health: [],
    config: ['GetItem SDKKEY', 'Query EXP'],
    assign: ['BatchGetItem VIS#*', 'GetItem SDKKEY', 'PutItem VIS#*', 'Query EXP'],
    events: ['BatchGetItem VIS#*', 'GetItem SDKKEY', 'PutItem VIS#*', 'Query EXP'],
    'experiments-list': ['GetItem APIKEY', 'Query EXP'],
    'experiments-create': ['GetItem APIKEY', 'PutItem EXP'],
    'experiments-get': ['GetItem APIKEY', 'GetItem EXP'],
    'experiments-update': ['GetItem APIKEY', 'GetItem EXP', 'PutItem EXP'],
    'experiments-lifecycle': ['GetItem APIKEY', 'GetItem EXP', 'PutItem EXP'],
    results: ['GetItem APIKEY', 'GetItem EXP', 'Query AGG#*'],
    'sdk-keys-list': ['GetItem APIKEY', 'Query SDKKEY'],
    'sdk-keys-create': ['GetItem APIKEY', 'PutItem SDKKEY'],
    'sdk-keys-revoke': ['GetItem APIKEY', 'Query SDKKEY', 'UpdateItem SDKKEY'],
    'api-keys-list': ['GetItem APIKEY', 'Query APIKEY'],
    'api-keys-create': ['GetItem APIKEY', 'PutItem APIKEY'],
    'api-keys-revoke': ['GetItem APIKEY', 'Query APIKEY', 'UpdateItem APIKEY'],
    'sdk-endpoint': ['BatchGetItem VIS#*', 'GetItem SDKKEY', 'PutItem VIS#*', 'Query EXP'],
    aggregator: ['GetItem AGG#*', 'UpdateItem AGG#*'],
  };

  it('grants each function exactly the actions and partitions its use cases need', () => {
    const actual = Object.fromEntries([...functions()].map(([name, fn]) => [name, tableGrants(fn.statements)]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([name, grants]) => [name, [...grants].sort()])));
  });

  it('does not let the events function write experiment definitions, keys or counters', () => {
    const { statements } = functionNamed('events');
    expect(allows(statements, 'dynamodb:PutItem', 'VIS#hero-offer#1#v-123')).toBe(true);
    expect(allows(statements, 'dynamodb:BatchGetItem', 'VIS#hero-offer#1#v-123')).toBe(true);
    expect(allows(statements, 'dynamodb:Query', 'EXP')).toBe(true);
    expect(allows(statements, 'dynamodb:PutItem', 'EXP')).toBe(false);
    expect(allows(statements, 'dynamodb:UpdateItem', 'EXP')).toBe(false);
    expect(allows(statements, 'dynamodb:PutItem', 'APIKEY')).toBe(false);
    expect(allows(statements, 'dynamodb:PutItem', 'SDKKEY')).toBe(false);
    expect(allows(statements, 'dynamodb:UpdateItem', 'AGG#hero-offer#1')).toBe(false);
    expect(allows(statements, 'dynamodb:GetItem', 'APIKEY')).toBe(false);
    expect(allows(statements, 'dynamodb:DeleteItem', 'VIS#hero-offer#1#v-123')).toBe(false);
    expect(allows(statements, 'dynamodb:Scan', undefined)).toBe(false);
  });

  it('gives the SDK endpoint exactly what the public routes need together', () => {
    const union = [...new Set(publicRoutes.flatMap((route) => expected[route.name]!))].sort();
    expect(tableGrants(functionNamed('sdk-endpoint').statements)).toEqual(union);
  });

  it('lets the SDK endpoint read SDK keys, list experiments and read and write visitor states, and nothing else', () => {
    const { statements } = functionNamed('sdk-endpoint');
    expect(allows(statements, 'dynamodb:GetItem', 'SDKKEY')).toBe(true);
    expect(allows(statements, 'dynamodb:Query', 'EXP')).toBe(true);
    expect(allows(statements, 'dynamodb:BatchGetItem', 'VIS#hero-offer#1#v-123')).toBe(true);
    expect(allows(statements, 'dynamodb:PutItem', 'VIS#hero-offer#1#v-123')).toBe(true);
    for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) expect(allows(statements, `dynamodb:${action}`, 'APIKEY'), action).toBe(false);
    for (const action of ['GetItem', 'Query', 'PutItem', 'UpdateItem']) expect(allows(statements, `dynamodb:${action}`, 'AGG#hero-offer#1'), action).toBe(false);
    for (const action of ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) expect(allows(statements, `dynamodb:${action}`, 'EXP'), action).toBe(false);
    for (const action of ['PutItem', 'UpdateItem', 'DeleteItem']) expect(allows(statements, `dynamodb:${action}`, 'SDKKEY'), action).toBe(false);
    expect(allows(statements, 'dynamodb:DeleteItem', 'VIS#hero-offer#1#v-123')).toBe(false);
    expect(allows(statements, 'dynamodb:Scan', undefined)).toBe(false);
  });

  it('lets only the aggregator move counters, and it writes nothing else', () => {
    const { statements } = functionNamed('aggregator');
    expect(allows(statements, 'dynamodb:UpdateItem', 'AGG#hero-offer#1')).toBe(true);
    expect(allows(statements, 'dynamodb:PutItem', 'VIS#hero-offer#1#v-123')).toBe(false);
    expect(allows(statements, 'dynamodb:UpdateItem', 'EXP')).toBe(false);
    for (const [name, fn] of functions()) {
      if (name !== 'aggregator') expect(allows(fn.statements, 'dynamodb:UpdateItem', 'AGG#hero-offer#1'), name).toBe(false);
    }
  });

  it('lets management functions write only their own partition', () => {
    const create = functionNamed('experiments-create').statements;
    expect(allows(create, 'dynamodb:PutItem', 'EXP')).toBe(true);
    expect(allows(create, 'dynamodb:PutItem', 'APIKEY')).toBe(false);
    expect(allows(create, 'dynamodb:PutItem', 'VIS#hero-offer#1#v-123')).toBe(false);
    const apiKeys = functionNamed('api-keys-create').statements;
    expect(allows(apiKeys, 'dynamodb:PutItem', 'APIKEY')).toBe(true);
    expect(allows(apiKeys, 'dynamodb:PutItem', 'SDKKEY')).toBe(false);
    expect(allows(apiKeys, 'dynamodb:PutItem', 'EXP')).toBe(false);
    const results = functionNamed('results').statements;
    for (const action of ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) {
      for (const key of ['EXP', 'APIKEY', 'SDKKEY', 'AGG#hero-offer#1', 'VIS#hero-offer#1#v-1']) expect(allows(results, `dynamodb:${action}`, key)).toBe(false);
    }
  });

  it('gives the health check no access to the table at all', () => {
    const { statements } = functionNamed('health');
    for (const action of ['GetItem', 'Query', 'PutItem', 'Scan']) expect(allows(statements, `dynamodb:${action}`, 'EXP')).toBe(false);
  });

  it('has no table statement without a leading-key condition, no wildcard action and no Scan anywhere', () => {
    for (const [name, fn] of functions()) {
      for (const statement of fn.statements) {
        const actions = ([] as string[]).concat(statement.Action);
        expect(actions.some((action) => action.includes('*')), name).toBe(false);
        expect(actions, name).not.toContain('dynamodb:Scan');
        if (actions.some((action) => action.startsWith('dynamodb:')) && !JSON.stringify(statement.Resource).includes('StreamArn')) {
          expect(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'], name).toBeDefined();
        }
      }
    }
  });
});

describe('api stack: stream aggregator', () => {
  it('reads the table stream in tumbling windows, one batch per shard at a time, with partial batch responses', () => {
    synth.api.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    synth.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('StreamArn') },
      FunctionName: { Ref: functionNamed('aggregator').logicalId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      TumblingWindowInSeconds: 60,
      ParallelizationFactor: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sends batches that keep failing to an encrypted, TLS-only SQS queue', () => {
    const queues = resourcesOf(synth.api, 'AWS::SQS::Queue');
    const [queueId] = Object.keys(queues);
    expect(Object.keys(queues)).toHaveLength(1);
    expect(queues[queueId!]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    synth.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    synth.api.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('only passes visitor-state inserts and updates to the aggregator', () => {
    const mapping = Object.values(resourcesOf(synth.api, 'AWS::Lambda::EventSourceMapping'))[0]!;
    const filters = (mapping.Properties!['FilterCriteria'] as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { pk: { S: [{ prefix: 'VIS#' }] } } } },
    ]);
  });

  it('lets the aggregator read the stream and send to its failure queue', () => {
    const actions = functionNamed('aggregator').statements.flatMap((statement) => ([] as string[]).concat(statement.Action));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'sqs:SendMessage']));
  });
});

describe('api stack: HTTP APIs', () => {
  const apiIds = () => {
    const apis = resourcesOf(synth.api, 'AWS::ApiGatewayV2::Api');
    const byDescription = (part: string) => Object.entries(apis).find(([, api]) => String(api.Properties?.['Description']).includes(part))![0];
    return { publicApi: byDescription('public routes'), managementApi: byDescription('management routes') };
  };

  it('routes each public route to the public API and each management route to the management API, to its own function', () => {
    const { publicApi, managementApi } = apiIds();
    const routeResources = Object.values(resourcesOf(synth.api, 'AWS::ApiGatewayV2::Route'));
    expect(routeResources).toHaveLength(routes.length);
    const integrations = resourcesOf(synth.api, 'AWS::ApiGatewayV2::Integration');
    const found = functions();
    for (const route of routes) {
      const resource = routeResources.find((candidate) => candidate.Properties?.['RouteKey'] === `${route.method} ${route.path}`);
      expect(resource, route.name).toBeDefined();
      const isPublic = route.access === 'public' || route.access === 'sdk';
      expect(resource!.Properties!['ApiId'], route.name).toEqual({ Ref: isPublic ? publicApi : managementApi });
      const target = resource!.Properties!['Target'] as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integrationId = target['Fn::Join'][1][1].Ref;
      expect(integrations[integrationId]!.Properties!['IntegrationUri'], route.name).toEqual({ 'Fn::GetAtt': [found.get(route.name)!.logicalId, 'Arn'] });
      expect(integrations[integrationId]!.Properties!['PayloadFormatVersion'], route.name).toBe('2.0');
    }
  });

  it('throttles each API at its stage, with the configured rate and burst', () => {
    const { publicApi, managementApi } = apiIds();
    synth.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: publicApi },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
    synth.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: managementApi },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('writes JSON access logs without IP addresses or user agents to log groups with a retention', () => {
    const stages = Object.values(resourcesOf(synth.api, 'AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(2);
    const logGroups = resourcesOf(synth.api, 'AWS::Logs::LogGroup');
    for (const stage of stages) {
      const settings = stage.Properties!['AccessLogSettings'] as { DestinationArn: { 'Fn::GetAtt': [string, string] }; Format: string };
      const format = JSON.parse(settings.Format);
      expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
      expect(settings.Format).not.toMatch(/sourceIp|userAgent|identity/);
      expect(logGroups[settings.DestinationArn['Fn::GetAtt'][0]]!.Properties!['RetentionInDays']).toBe(90);
    }
  });

  it('configures no CORS when no origins are configured, and never on the management API', () => {
    for (const api of Object.values(resourcesOf(synth.api, 'AWS::ApiGatewayV2::Api'))) expect(api.Properties!['CorsConfiguration']).toBeUndefined();
  });
});

describe('api stack: SDK endpoint', () => {
  const urls = () => Object.values(resourcesOf(synth.api, 'AWS::Lambda::Url')).map((url) => url.Properties as Record<string, any>);

  it('exposes the SDK endpoint, and only it, through a function URL without IAM auth', () => {
    expect(urls()).toEqual([{ AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [functionNamed('sdk-endpoint').logicalId, 'Arn'] } }]);
  });

  it('lets anyone invoke the SDK endpoint through its URL only, and API Gateway invoke only the route functions', () => {
    const permissions = Object.values(resourcesOf(synth.api, 'AWS::Lambda::Permission')).map((permission) => permission.Properties as Record<string, any>);
    const target = (permission: Record<string, any>) => permission['FunctionName']['Fn::GetAtt'][0] as string;
    const endpoint = functionNamed('sdk-endpoint').logicalId;
    expect(permissions.filter((permission) => target(permission) === endpoint)).toEqual([
      { Action: 'lambda:InvokeFunctionUrl', FunctionName: { 'Fn::GetAtt': [endpoint, 'Arn'] }, FunctionUrlAuthType: 'NONE', Principal: '*' },
      { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': [endpoint, 'Arn'] }, InvokedViaFunctionUrl: true, Principal: '*' },
    ]);
    for (const permission of permissions.filter((candidate) => target(candidate) !== endpoint)) expect(permission['Principal']).toBe('apigateway.amazonaws.com');
  });

  it('configures no CORS on the function URL (the function answers it per SDK key)', () => {
    for (const url of urls()) expect(url['Cors']).toBeUndefined();
  });

  it('reserves no concurrency unless configured (new accounts cannot reserve any)', () => {
    for (const [name, fn] of functions()) expect(fn.properties['ReservedConcurrentExecutions'], name).toBeUndefined();
  });

  it('is no route of either HTTP API', () => {
    const endpoint = functionNamed('sdk-endpoint').logicalId;
    for (const integration of Object.values(resourcesOf(synth.api, 'AWS::ApiGatewayV2::Integration'))) {
      expect(integration.Properties!['IntegrationUri']).not.toEqual({ 'Fn::GetAtt': [endpoint, 'Arn'] });
    }
  });

  it('outputs the function URL for the SDK', () => {
    synth.api.hasOutput('SdkEndpointUrl', {
      Value: { 'Fn::GetAtt': [Object.keys(resourcesOf(synth.api, 'AWS::Lambda::Url'))[0], 'FunctionUrl'] },
      Description: Match.stringLikeRegexp('apiUrl'),
    });
  });
});

describe('api stack: operations', () => {
  const alarms = () => Object.values(resourcesOf(synth.api, 'AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Record<string, any>);
  const topicId = () => Object.keys(resourcesOf(synth.api, 'AWS::SNS::Topic'))[0]!;

  it('sends every alarm, and its recovery, to one SNS topic that only accepts TLS', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: topicId() }]);
      expect(alarm['OKActions']).toEqual([{ Ref: topicId() }]);
      expect(alarm['TreatMissingData']).toBe('notBreaching');
    }
    synth.api.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it("lets this account's CloudWatch alarms publish to the topic despite its TLS-only policy", () => {
    synth.api.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('alarms on 5xx of each API', () => {
    const serverErrors = alarms().filter((alarm) => alarm['MetricName'] === '5xx');
    expect(serverErrors).toHaveLength(2);
    for (const alarm of serverErrors) expect(alarm).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Period: 300, Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it("alarms on 5xx of the SDK endpoint's function URL, which API Gateway's metrics do not see", () => {
    const urlErrors = alarms().filter((alarm) => alarm['MetricName'] === 'Url5xxCount');
    expect(urlErrors).toHaveLength(1);
    expect(urlErrors[0]).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionNamed('sdk-endpoint').logicalId } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on throttles of every function', () => {
    const throttled = alarms()
      .filter((alarm) => alarm['MetricName'] === 'Throttles')
      .map((alarm) => alarm['Dimensions'][0].Value.Ref);
    expect(throttled.sort()).toEqual([...functions().values()].map((fn) => fn.logicalId).sort());
    expect(throttled).toContain(functionNamed('sdk-endpoint').logicalId);
  });

  it("alarms when the aggregator falls five minutes behind the stream and when its failure queue holds a batch", () => {
    const iteratorAge = alarms().find((alarm) => alarm['MetricName'] === 'IteratorAge')!;
    expect(iteratorAge).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', Threshold: 300_000, EvaluationPeriods: 5 });
    expect(iteratorAge['Dimensions']).toEqual([{ Name: 'FunctionName', Value: { Ref: functionNamed('aggregator').logicalId } }]);
    const queueDepth = alarms().find((alarm) => alarm['MetricName'] === 'ApproximateNumberOfMessagesVisible')!;
    expect(queueDepth).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1 });
  });

  it('alarms on table throttling', () => {
    const tableAlarm = alarms().find((alarm) => JSON.stringify(alarm['Metrics'] ?? '').includes('ThrottledRequests'));
    expect(tableAlarm).toBeDefined();
  });

  it('has a dashboard with the API, function, aggregator and table metrics', () => {
    const dashboards = Object.values(resourcesOf(synth.api, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties!['DashboardBody']);
    for (const metric of ['5xx', '4xx', 'Latency', 'Errors', 'Throttles', 'Duration', 'IteratorAge', 'ApproximateNumberOfMessagesVisible', 'ConsumedWriteCapacityUnits']) {
      expect(body, metric).toContain(metric);
    }
  });

  it('outputs both API endpoints, the SDK endpoint and the alarm topic', () => {
    for (const output of ['PublicApiUrl', 'ManagementApiUrl', 'SdkEndpointUrl', 'AlarmTopicArn']) synth.api.hasOutput(output, {});
  });
});

describe('web stack', () => {
  const buckets = () => resourcesOf(synth.web, 'AWS::S3::Bucket');
  const distribution = () => Object.values(resourcesOf(synth.web, 'AWS::CloudFront::Distribution'))[0]!.Properties!['DistributionConfig'] as Record<string, any>;

  it('keeps both buckets private, encrypted and TLS-only', () => {
    expect(Object.keys(buckets())).toHaveLength(2);
    for (const [id, bucket] of Object.entries(buckets())) {
      expect(bucket.Properties, id).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      synth.web.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('lets only this distribution read the site bucket, through origin access control', () => {
    synth.web.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const s3Origin = distribution()['Origins'].find((origin: any) => origin.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    synth.web.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('redirects the site to HTTPS and serves it with security headers', () => {
    const config = distribution();
    expect(config['DefaultCacheBehavior']).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    expect(config['DefaultRootObject']).toBe('index.html');
    const policyId = config['DefaultCacheBehavior'].ResponseHeadersPolicyId.Ref;
    const policy = resourcesOf(synth.web, 'AWS::CloudFront::ResponseHeadersPolicy')[policyId]!.Properties!['ResponseHeadersPolicyConfig'] as Record<string, any>;
    expect(policy['SecurityHeadersConfig']).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY' },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin' },
    });
    const csp = policy['SecurityHeadersConfig'].ContentSecurityPolicy.ContentSecurityPolicy as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    // Offer previews show images from the shop's CDN, over HTTPS only.
    expect(csp).toContain("img-src 'self' data: https:");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('sends the public routes to the public API and the rest of /v1/* to the management API, over HTTPS only and uncached', () => {
    const config = distribution();
    const behaviors = config['CacheBehaviors'] as Record<string, any>[];
    expect(behaviors.map((behavior) => behavior['PathPattern'])).toEqual(['/v1/health', '/v1/config', '/v1/assign', '/v1/events', '/v1/*']);
    const origins = config['Origins'] as Record<string, any>[];
    const originOf = (behavior: Record<string, any>) => origins.find((origin) => origin.Id === behavior['TargetOriginId'])!;
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
        OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
      });
      expect(originOf(behavior)['CustomOriginConfig']).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      const api = behavior['PathPattern'] === '/v1/*' ? 'ManagementApi' : 'PublicApi';
      expect(JSON.stringify(originOf(behavior)['DomainName'])).toMatch(new RegExp(`Upshot-prod-Api:ExportsOutputFnGetAtt${api}\\w+ApiEndpoint`));
    }
  });

  it('logs CloudFront and S3 access to the log bucket, which expires them', () => {
    const config = distribution();
    const [logBucketId] = Object.entries(buckets()).find(([, bucket]) => bucket.Properties!['LifecycleConfiguration'])!;
    expect(config['Logging']).toEqual({ Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    const site = Object.values(buckets()).find((bucket) => bucket.Properties!['LoggingConfiguration'])!;
    expect(site.Properties!['LoggingConfiguration']).toEqual({ DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 's3/' });
    expect(buckets()[logBucketId]!.Properties!['LifecycleConfiguration']).toEqual({ Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] });
    // S3 delivers its access logs under a bucket policy (no log-delivery ACL that could clash with CloudFront's grant).
    expect(buckets()[logBucketId]!.Properties!['AccessControl']).toBeUndefined();
    synth.web.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucketId },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
  });

  it('publishes the site into the bucket on every deploy and invalidates the distribution', () => {
    synth.web.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: true, DistributionPaths: ['/*'], SystemMetadata: { 'cache-control': 'public, max-age=300' } });
    expect(synth.stacks.web.siteContent.placeholder || synth.stacks.web.siteContent.included.includes('dashboard/public')).toBe(true);
  });

  it("publishes the SDK endpoint's function URL in /deployment.json, for the dashboard's install snippet", () => {
    const deployment = Object.values(resourcesOf(synth.web, 'Custom::CDKBucketDeployment'))[0]!.Properties as Record<string, any>;
    const urlExport = Object.entries(synth.api.toJSON()['Outputs'] as Record<string, { Value: unknown; Export?: { Name: string } }>).find(
      ([, output]) => JSON.stringify(output.Value) === JSON.stringify({ 'Fn::GetAtt': [Object.keys(resourcesOf(synth.api, 'AWS::Lambda::Url'))[0], 'FunctionUrl'] }) && output.Export,
    )![1].Export!.Name;
    expect(deployment['SourceObjectKeys']).toHaveLength(2);
    expect(deployment['SourceMarkers']).toEqual([{}, { '<<marker:0xbaba:0>>': { 'Fn::ImportValue': urlExport } }]);
    expect(deployment['SourceMarkersConfig']).toEqual([{}, { jsonEscape: true }]);
  });

  it('uses HTTP/2 and 3 and the configured price class', () => {
    expect(distribution()).toMatchObject({ HttpVersion: 'http2and3', PriceClass: 'PriceClass_100', Enabled: true });
  });
});

describe('cdk-nag', () => {
  it('synthesizes with the AWS Solutions and Serverless packs finding nothing unacknowledged', () => {
    // An unacknowledged finding makes synth throw (infra/test/nag.test.ts shows that it does).
    expect(() => synth.app.synth()).not.toThrow();
  });

  it('gives every acknowledgement a written reason', () => {
    const acknowledgements: { path: string; id: string; reason: string }[] = [];
    for (const construct of synth.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) acknowledgements.push({ path: construct.node.path, id, reason });
      }
    }
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(40);
      expect(id, path).toMatch(/(AwsSolutions|Serverless)-/);
    }
  });
});
