import type { Node } from 'constructs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_CONFIG_CACHE_SECONDS, DEFAULT_RETENTION_DAYS } from '@upshot/functions/config';

/** Requests per second and burst of one HTTP API stage. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Everything a deployment may choose. Read from CDK context (`cdk.json`, or `-c upshot:<name>=<value>`
 * on the command line) by `readConfig`; tests and other apps can pass it as props instead.
 */
export interface UpshotConfig {
  /** Names the stacks (`Upshot-<stage>-Data`, …) so several stages can live in one account. */
  stage: string;
  /** Origins of the sites that run the SDK; CORS on the public routes allows exactly these. */
  allowedOrigins: string[];
  /** Throttling of the public API (`/v1/health`, `/v1/config`, `/v1/assign`, `/v1/events`). */
  publicThrottle: Throttle;
  /** Throttling of the management API (experiments, results, keys). */
  managementThrottle: Throttle;
  /** Days a visitor's state is kept after its experiment's last event (`RETENTION_DAYS`). */
  retentionDays: number;
  /** Seconds a function keeps experiment definitions before reading them again (`CONFIG_CACHE_SECONDS`). */
  configCacheSeconds: number;
  /** Retention of every log group (Lambda, API access logs), in days; one of CloudWatch's allowed values. */
  logRetentionDays: RetentionDays;
  /** Days CloudFront and S3 access logs are kept in the log bucket. */
  accessLogExpirationDays: number;
  /** Memory of every function, MB (CPU grows with it). */
  memorySize: number;
  /** The stream aggregator's event source mapping. */
  aggregator: {
    batchSize: number;
    /** Seconds Lambda waits to fill a batch. */
    maxBatchingWindowSeconds: number;
    /** Seconds of the tumbling window; it must be set, because only tumbling-window invocations carry `shardId`. */
    tumblingWindowSeconds: number;
    /** Retries of a failing batch before its position goes to the failure queue. */
    retryAttempts: number;
  };
  /** Alarm thresholds. */
  alarms: {
    /** 5xx responses of one API within five minutes. */
    serverErrors: number;
    /** Age of the oldest stream record the aggregator has not processed yet, seconds. */
    iteratorAgeSeconds: number;
  };
  /** An address that receives the alarms (SNS e-mail subscription); none when empty. */
  alarmEmail?: string;
  /** A custom domain for CloudFront (for example `ab.shop.example.com`); needs `certificateArn`. */
  domainName?: string;
  /** An ACM certificate in us-east-1 covering `domainName`. */
  certificateArn?: string;
  /** A WAF web ACL (scope CLOUDFRONT, in us-east-1) to attach to the distribution. */
  webAclArn?: string;
  /** CloudFront price class: PriceClass_100, PriceClass_200 or PriceClass_All. */
  priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  /** X-Ray active tracing on every function. */
  tracing: boolean;
  /**
   * Reserved concurrency of the SDK endpoint function (its function URL has no stage throttling, so
   * this is its cap). Unset by default: new AWS accounts have a concurrency quota of 10 and cannot
   * reserve any.
   */
  sdkEndpointConcurrency?: number;
}

export const defaultConfig: UpshotConfig = {
  stage: 'prod',
  allowedOrigins: [],
  publicThrottle: { rateLimit: 1000, burstLimit: 2000 },
  managementThrottle: { rateLimit: 50, burstLimit: 100 },
  retentionDays: DEFAULT_RETENTION_DAYS,
  configCacheSeconds: DEFAULT_CONFIG_CACHE_SECONDS,
  logRetentionDays: RetentionDays.THREE_MONTHS,
  accessLogExpirationDays: 90,
  memorySize: 512,
  aggregator: { batchSize: 100, maxBatchingWindowSeconds: 1, tumblingWindowSeconds: 60, retryAttempts: 10 },
  alarms: { serverErrors: 5, iteratorAgeSeconds: 300 },
  priceClass: 'PriceClass_100',
  tracing: false,
};

/** The context keys, all under the `upshot:` prefix. */
const CONTEXT_PREFIX = 'upshot:';

export class ConfigError extends Error {
  constructor(message: string) {
    super(`Upshot configuration: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Context from `-c name=value` arrives as a string; from cdk.json as JSON. Both are accepted. */
function contextValue(node: Node, name: string): unknown {
  const value = node.tryGetContext(CONTEXT_PREFIX + name);
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (/^[[{]/.test(trimmed) || /^(true|false|-?\d+(\.\d+)?)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new ConfigError(`${CONTEXT_PREFIX}${name} is not valid JSON: ${value}`);
    }
  }
  return value;
}

function numberIn(name: string, value: unknown, min: number, max: number, integer = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

function throttle(name: string, value: Throttle): Throttle {
  return {
    rateLimit: numberIn(`${name}.rateLimit`, value.rateLimit, 1, 100_000, false),
    burstLimit: numberIn(`${name}.burstLimit`, value.burstLimit, 1, 100_000),
  };
}

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/;

/** Checks a complete configuration and names the first bad value. */
export function validateConfig(config: UpshotConfig): UpshotConfig {
  if (!/^[a-z][a-z0-9-]{0,19}$/i.test(config.stage)) {
    throw new ConfigError(`stage must be 1 to 20 letters, digits or dashes, starting with a letter; got ${JSON.stringify(config.stage)}.`);
  }
  if (!Array.isArray(config.allowedOrigins) || config.allowedOrigins.some((origin) => typeof origin !== 'string' || !ORIGIN.test(origin))) {
    throw new ConfigError(`allowedOrigins must be a list of origins such as "https://shop.example.com" (scheme and host, no path); got ${JSON.stringify(config.allowedOrigins)}.`);
  }
  if (!Object.values(RetentionDays).includes(config.logRetentionDays)) {
    throw new ConfigError(`logRetentionDays must be one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …); got ${JSON.stringify(config.logRetentionDays)}.`);
  }
  if ((config.domainName === undefined) !== (config.certificateArn === undefined)) {
    throw new ConfigError('domainName and certificateArn go together: set both or neither.');
  }
  if (config.domainName !== undefined && !/^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(config.domainName)) {
    throw new ConfigError(`domainName must be a host name such as ab.example.com; got ${JSON.stringify(config.domainName)}.`);
  }
  if (config.certificateArn !== undefined && !CERTIFICATE_ARN.test(config.certificateArn)) {
    throw new ConfigError(`certificateArn must be an ACM certificate in us-east-1 (CloudFront only uses those); got ${JSON.stringify(config.certificateArn)}.`);
  }
  if (config.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.alarmEmail)) {
    throw new ConfigError(`alarmEmail must be an e-mail address; got ${JSON.stringify(config.alarmEmail)}.`);
  }
  if (config.webAclArn !== undefined && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+$/.test(config.webAclArn)) {
    throw new ConfigError(`webAclArn must be a WAFv2 web ACL with CLOUDFRONT scope (arn:aws:wafv2:us-east-1:…:global/webacl/…); got ${JSON.stringify(config.webAclArn)}.`);
  }
  if (!['PriceClass_100', 'PriceClass_200', 'PriceClass_All'].includes(config.priceClass)) {
    throw new ConfigError(`priceClass must be PriceClass_100, PriceClass_200 or PriceClass_All; got ${JSON.stringify(config.priceClass)}.`);
  }
  if (typeof config.tracing !== 'boolean') throw new ConfigError(`tracing must be true or false; got ${JSON.stringify(config.tracing)}.`);
  throttle('publicThrottle', config.publicThrottle);
  throttle('managementThrottle', config.managementThrottle);
  numberIn('retentionDays', config.retentionDays, 1, 3_650);
  numberIn('configCacheSeconds', config.configCacheSeconds, 0, 300, false);
  numberIn('accessLogExpirationDays', config.accessLogExpirationDays, 1, 3_650);
  numberIn('memorySize', config.memorySize, 128, 10_240);
  numberIn('aggregator.batchSize', config.aggregator.batchSize, 1, 10_000);
  numberIn('aggregator.maxBatchingWindowSeconds', config.aggregator.maxBatchingWindowSeconds, 0, 300);
  numberIn('aggregator.tumblingWindowSeconds', config.aggregator.tumblingWindowSeconds, 1, 900);
  numberIn('aggregator.retryAttempts', config.aggregator.retryAttempts, 0, 10_000);
  numberIn('alarms.serverErrors', config.alarms.serverErrors, 1, 1_000_000);
  numberIn('alarms.iteratorAgeSeconds', config.alarms.iteratorAgeSeconds, 1, 86_400);
  if (config.sdkEndpointConcurrency !== undefined) numberIn('sdkEndpointConcurrency', config.sdkEndpointConcurrency, 1, 10_000);
  return config;
}

/**
 * The configuration from context, over the defaults, with `overrides` (props) last.
 * Context keys: upshot:stage, upshot:allowedOrigins, upshot:publicThrottle, upshot:managementThrottle,
 * upshot:retentionDays, upshot:configCacheSeconds, upshot:logRetentionDays, upshot:accessLogExpirationDays,
 * upshot:memorySize, upshot:aggregator, upshot:alarms, upshot:alarmEmail, upshot:domainName,
 * upshot:certificateArn, upshot:webAclArn, upshot:priceClass, upshot:tracing, upshot:sdkEndpointConcurrency.
 */
export function readConfig(node: Node, overrides: Partial<UpshotConfig> = {}): UpshotConfig {
  const fromContext: Record<string, unknown> = {};
  for (const name of Object.keys(defaultConfig).concat('alarmEmail', 'domainName', 'certificateArn', 'webAclArn', 'sdkEndpointConcurrency')) {
    const value = contextValue(node, name);
    if (value !== undefined && value !== null && value !== '') fromContext[name] = value;
  }
  if (typeof fromContext['allowedOrigins'] === 'string') {
    fromContext['allowedOrigins'] = String(fromContext['allowedOrigins'])
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
  const merged = { ...defaultConfig, ...fromContext, ...overrides } as UpshotConfig;
  return validateConfig({
    ...merged,
    aggregator: { ...defaultConfig.aggregator, ...(fromContext['aggregator'] as object | undefined), ...overrides.aggregator },
    alarms: { ...defaultConfig.alarms, ...(fromContext['alarms'] as object | undefined), ...overrides.alarms },
  });
}
