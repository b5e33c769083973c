import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { statementsFor, type FunctionName, type TableGrant } from './table-access.ts';

/** The repository root: esbuild bundles from here, with the root lock file and the workspace packages. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Node 24 is the newest Lambda runtime CDK knows, which is what cdk-nag's runtime rules ask for. */
export const RUNTIME = Runtime.NODEJS_24_X;

/** CommonJS dependencies (the AWS SDK's internals) call `require`, which ESM output does not define. */
const REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface UpshotFunctionProps {
  name: FunctionName;
  /** functions/src/handlers/<file>.ts, exporting `handler`. */
  handlerFile: string;
  description: string;
  table: ITableV2;
  grants: TableGrant[];
  environment: Record<string, string>;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  tracing: boolean;
  /** Reserved concurrency: a cap for a function nothing else throttles. None when undefined. */
  reservedConcurrentExecutions?: number;
}

/**
 * One Lambda function of Upshot: its handler file bundled by the local esbuild (ESM, minified,
 * source maps, AWS SDK included so the code runs with the SDK version it was tested with), arm64,
 * JSON logs into its own log group with a retention, and a role that may only write that log
 * group and touch the table partitions it needs (conditions on `dynamodb:LeadingKeys`).
 */
export class UpshotFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: UpshotFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Upshot ${props.name}: its log group and its table partitions only.`,
    });
    this.logGroup.grantWrite(this.role);
    for (const statement of statementsFor(props.grants)) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: sid(statement.partitions),
          effect: Effect.ALLOW,
          actions: statement.actions,
          resources: [props.table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': statement.partitions } },
        }),
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: join(REPOSITORY_ROOT, 'functions/src/handlers', props.handlerFile),
      handler: 'handler',
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: join(REPOSITORY_ROOT, 'package-lock.json'),
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        bundleAwsSDK: true,
        forceDockerBundling: false,
        // Sizes are reported by infra/test/cdk-cli.test.ts (cdk.out/bundle-sizes.json); esbuild only speaks up on problems.
        logLevel: LogLevel.WARNING,
      },
    });

    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; CDK adds them for active tracing.',
      });
    } else {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaTracing',
        reason:
          'Tracing is off by default (context upshot:tracing turns it on): each function is one hop to DynamoDB, and the JSON logs with request ids plus the CloudWatch metrics and alarms cover it without the per-trace cost.',
      });
    }
  }
}

/** A statement id naming the partitions it opens, e.g. `TableVIS` or `TableAPIKEY`. */
function sid(partitions: string[]): string {
  return 'Table' + partitions.map((partition) => partition.replace(/[^A-Za-z0-9]/g, '')).join('And');
}
