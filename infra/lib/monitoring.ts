import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { UpshotConfig } from './config.ts';
import type { UpshotFunction } from './upshot-function.ts';

export interface MonitoringProps {
  stage: string;
  apis: { name: string; api: HttpApi }[];
  /** Functions pages reach through a Lambda function URL, whose answers API Gateway's metrics do not see. */
  functionUrls: { name: string; fn: UpshotFunction }[];
  functions: UpshotFunction[];
  aggregator: UpshotFunction;
  failureQueue: Queue;
  table: ITableV2;
  alarms: UpshotConfig['alarms'];
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
/** The table operations the functions use, for the throttling metric. */
const TABLE_OPERATIONS = [Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY, Operation.PUT_ITEM, Operation.UPDATE_ITEM];

/**
 * Alarms to one SNS topic — 5xx per API, throttles per function, the aggregator falling behind
 * (iterator age), batches given up (failure-queue depth), table throttling — and one dashboard.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `Upshot ${props.stage} alarms`, enforceSSL: true });
    // The topic policy that enforces TLS replaces SNS's default one: CloudWatch alarms of this account may still publish.
    const { account, partition, region } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.alarmEmail) {
      const subscription = new EmailSubscription(props.alarmEmail);
      this.topic.addSubscription(subscription);
      Validations.of(this.topic).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'The only subscription is an e-mail address for alarms; a dead-letter queue for undeliverable alarm mails would itself need watching, and the alarm state stays visible in CloudWatch.',
      });
    }
    const action = new SnsAction(this.topic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string, evaluationPeriods = 1) => {
      const created = new Alarm(this, name, {
        metric,
        alarmDescription: `Upshot ${props.stage}: ${description}`,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const { name, api } of props.apis) {
      alarm(
        `${name.replace(/\s/g, '')}ServerErrors`,
        api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        props.alarms.serverErrors,
        `${name} answered ${props.alarms.serverErrors} or more 5xx within five minutes.`,
      );
    }
    const urlServerErrors = (fn: UpshotFunction, label?: string) => fn.function.metric('Url5xxCount', { period: FIVE_MINUTES, statistic: 'Sum', label });
    for (const { name, fn } of props.functionUrls) {
      alarm(`${name.replace(/\s/g, '')}ServerErrors`, urlServerErrors(fn), props.alarms.serverErrors, `${name} answered ${props.alarms.serverErrors} or more 5xx within five minutes.`);
    }
    for (const fn of props.functions) {
      alarm(
        `${fn.node.id}Throttles`,
        fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `Lambda throttled ${fn.node.id} (account concurrency exhausted).`,
      );
    }
    const iteratorAge = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: props.aggregator.function.functionName },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    alarm(
      'AggregatorIteratorAge',
      iteratorAge,
      props.alarms.iteratorAgeSeconds * 1000,
      `The aggregator is more than ${props.alarms.iteratorAgeSeconds} s behind the table stream; results lag behind events.`,
      5,
    );
    const failureDepth = props.failureQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' });
    alarm(
      'AggregatorFailureQueue',
      failureDepth,
      1,
      'The aggregator gave up on a stream batch; its counters miss those changes until they are rebuilt (docs/deploy.md, "When the aggregator gives up").',
    );
    const tableThrottles = props.table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES });
    alarm('TableThrottles', tableThrottles, 1, 'DynamoDB throttled requests to the table.');

    const apiWidgets = (title: string, metric: (api: HttpApi, name: string) => IMetric) =>
      new GraphWidget({ title, width: 8, left: props.apis.map(({ api, name }) => metric(api, name)) });
    const functionWidget = (title: string, metric: (fn: UpshotFunction) => IMetric) =>
      new GraphWidget({ title, width: 8, left: props.functions.map(metric) });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: `# Upshot ${props.stage}\nAPI traffic, functions, the stream aggregator and the table. Alarms go to the SNS topic in the stack outputs.`, width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      apiWidgets('Requests', (api, name) => api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum', label: `${name} requests` })),
      new GraphWidget({
        title: '4xx and 5xx',
        width: 8,
        left: [
          ...props.apis.flatMap(({ api, name }) => [
            api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum', label: `${name} 4xx` }),
            api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum', label: `${name} 5xx` }),
          ]),
          ...props.functionUrls.flatMap(({ name, fn }) => [
            fn.function.metric('Url4xxCount', { period: FIVE_MINUTES, statistic: 'Sum', label: `${name} 4xx` }),
            urlServerErrors(fn, `${name} 5xx`),
          ]),
        ],
      }),
      apiWidgets('Latency p99 (ms)', (api, name) => api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: `${name} p99` })),
    );
    this.dashboard.addWidgets(
      functionWidget('Function errors', (fn) => fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum', label: fn.node.id })),
      functionWidget('Function throttles', (fn) => fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum', label: fn.node.id })),
      functionWidget('Function duration p99 (ms)', (fn) => fn.function.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: fn.node.id })),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Aggregator iterator age (ms)', width: 8, left: [iteratorAge] }),
      new GraphWidget({ title: 'Aggregator failure queue', width: 8, left: [failureDepth] }),
      new GraphWidget({
        title: 'Table capacity and throttles',
        width: 8,
        left: [props.table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES, statistic: 'Sum' }), props.table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES, statistic: 'Sum' })],
        right: [tableThrottles],
      }),
    );
    this.dashboard.addWidgets(
      new LogQueryWidget({
        title: 'Recent errors (JSON logs)',
        width: 24,
        logGroupNames: props.functions.map((fn) => fn.logGroup.logGroupName),
        queryLines: ['fields @timestamp, @log, @message', 'filter level = "ERROR" or @message like /"level":"error"/', 'sort @timestamp desc', 'limit 50'],
      }),
    );
  }
}
