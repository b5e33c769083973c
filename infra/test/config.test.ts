import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, readConfig, type UpshotConfig } from '../lib/config.ts';
import { cdkJsonContext, resourcesOf, synthesize, type Synthesized } from './support/synth.ts';

const configFrom = (context: Record<string, unknown>, overrides?: Partial<UpshotConfig>) => readConfig(new App({ context }).node, overrides);
const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/upshot/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

describe('readConfig', () => {
  it('reads the defaults that cdk.json writes out', () => {
    expect(configFrom(cdkJsonContext())).toEqual(defaultConfig);
    expect(configFrom({})).toEqual(defaultConfig);
  });

  it('reserves no concurrency for the SDK endpoint unless asked to', () => {
    expect(configFrom(cdkJsonContext()).sdkEndpointConcurrency).toBeUndefined();
    expect(configFrom({ 'upshot:sdkEndpointConcurrency': '' }).sdkEndpointConcurrency).toBeUndefined();
    expect(configFrom({ 'upshot:sdkEndpointConcurrency': 100 }).sdkEndpointConcurrency).toBe(100);
    expect(configFrom({}, { sdkEndpointConcurrency: 10_000 }).sdkEndpointConcurrency).toBe(10_000);
  });

  it('accepts the strings that `cdk -c name=value` passes', () => {
    const config = configFrom({
      'upshot:stage': 'staging',
      'upshot:allowedOrigins': 'https://shop.example.com, https://www.example.com',
      'upshot:publicThrottle': '{"rateLimit": 10, "burstLimit": 20}',
      'upshot:retentionDays': '30',
      'upshot:tracing': 'true',
      'upshot:aggregator': '{"batchSize": 500}',
      'upshot:sdkEndpointConcurrency': '50',
    });
    expect(config).toMatchObject({
      stage: 'staging',
      allowedOrigins: ['https://shop.example.com', 'https://www.example.com'],
      publicThrottle: { rateLimit: 10, burstLimit: 20 },
      retentionDays: 30,
      tracing: true,
      aggregator: { batchSize: 500, tumblingWindowSeconds: 60, retryAttempts: 10, maxBatchingWindowSeconds: 1 },
      sdkEndpointConcurrency: 50,
    });
  });

  it('lets props override context', () => {
    expect(configFrom({ 'upshot:stage': 'staging', 'upshot:memorySize': 1024 }, { stage: 'test', alarms: { serverErrors: 1, iteratorAgeSeconds: 60 } })).toMatchObject({
      stage: 'test',
      memorySize: 1024,
      alarms: { serverErrors: 1, iteratorAgeSeconds: 60 },
    });
  });

  it.each([
    [{ 'upshot:stage': 'my stage' }, /stage must be/],
    [{ 'upshot:allowedOrigins': ['https://shop.example.com/path'] }, /allowedOrigins/],
    [{ 'upshot:logRetentionDays': 42 }, /logRetentionDays/],
    [{ 'upshot:domainName': 'ab.example.com' }, /domainName and certificateArn go together/],
    [{ 'upshot:domainName': 'ab.example.com', 'upshot:certificateArn': CERTIFICATE.replace('us-east-1', 'eu-west-1') }, /us-east-1/],
    [{ 'upshot:aggregator': { tumblingWindowSeconds: 0 } }, /aggregator.tumblingWindowSeconds/],
    [{ 'upshot:publicThrottle': { rateLimit: 0, burstLimit: 10 } }, /publicThrottle.rateLimit/],
    [{ 'upshot:alarmEmail': 'ops' }, /alarmEmail/],
    [{ 'upshot:priceClass': 'PriceClass_50' }, /priceClass/],
    [{ 'upshot:webAclArn': 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' }, /webAclArn/],
    [{ 'upshot:retentionDays': '{bad' }, /not valid JSON/],
    [{ 'upshot:sdkEndpointConcurrency': 0 }, /sdkEndpointConcurrency must be an integer from 1 to 10000/],
    [{ 'upshot:sdkEndpointConcurrency': '2.5' }, /sdkEndpointConcurrency must be an integer from 1 to 10000/],
    [{ 'upshot:sdkEndpointConcurrency': 10_001 }, /sdkEndpointConcurrency must be an integer from 1 to 10000/],
    [{ 'upshot:sdkEndpointConcurrency': 'lots' }, /sdkEndpointConcurrency must be an integer from 1 to 10000.*got "lots"/],
  ])('refuses %j and names the setting', (context, message) => {
    expect(() => configFrom(context)).toThrow(ConfigError);
    expect(() => configFrom(context)).toThrow(message);
  });
});

describe('a configured deployment', () => {
  let synth: Synthesized;

  beforeAll(() => {
    synth = synthesize({
      bundle: false,
      context: {
        'upshot:stage': 'staging',
        'upshot:allowedOrigins': ['https://shop.example.com', 'https://www.example.org'],
        'upshot:domainName': 'ab.shop.example.com',
        'upshot:certificateArn': CERTIFICATE,
        'upshot:webAclArn': WEB_ACL,
        'upshot:alarmEmail': 'ops@example.com',
        'upshot:tracing': true,
        'upshot:logRetentionDays': 30,
        'upshot:sdkEndpointConcurrency': 200,
      },
      overrides: { publicThrottle: { rateLimit: 200, burstLimit: 400 }, retentionDays: 180 },
    });
  }, 120_000);

  it('names the stacks after the stage', () => {
    expect([synth.stacks.data, synth.stacks.api, synth.stacks.web].map((stack) => stack.stackName)).toEqual(['Upshot-staging-Data', 'Upshot-staging-Api', 'Upshot-staging-Web']);
  });

  it('allows CORS on the public API for exactly the configured origins, and never on the management API', () => {
    const apis = Object.values(resourcesOf(synth.api, 'AWS::ApiGatewayV2::Api'));
    const publicApi = apis.find((api) => String(api.Properties!['Description']).includes('public routes'))!;
    const managementApi = apis.find((api) => String(api.Properties!['Description']).includes('management routes'))!;
    expect(publicApi.Properties!['CorsConfiguration']).toEqual({
      AllowOrigins: ['https://shop.example.com', 'https://www.example.org'],
      AllowMethods: ['GET', 'POST', 'OPTIONS'],
      AllowHeaders: ['content-type', 'if-none-match'],
      ExposeHeaders: ['etag'],
      MaxAge: 600,
    });
    expect(managementApi.Properties!['CorsConfiguration']).toBeUndefined();
  });

  it("leaves CORS on the SDK endpoint's function URL to the function, even with origins configured", () => {
    // The function answers each page with its SDK key's origins; URL settings would add a second Access-Control-Allow-Origin.
    const [url, ...others] = Object.values(resourcesOf(synth.api, 'AWS::Lambda::Url'));
    expect(others).toEqual([]);
    expect(url!.Properties).toEqual({ AuthType: 'NONE', TargetFunctionArn: expect.anything() });
  });

  it('caps the SDK endpoint with the configured reserved concurrency, and no other function', () => {
    const reserved = Object.values(resourcesOf(synth.api, 'AWS::Lambda::Function'))
      .filter((fn) => fn.Properties!['ReservedConcurrentExecutions'] !== undefined)
      .map((fn) => [String(fn.Properties!['Description']).split(' (')[0], fn.Properties!['ReservedConcurrentExecutions']]);
    expect(reserved).toEqual([['Upshot SDK endpoint', 200]]);
  });

  it('throttles with the configured limits and passes the retention to the functions', () => {
    synth.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
    synth.api.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RETENTION_DAYS: '180' }) } });
    for (const logGroup of Object.values(resourcesOf(synth.api, 'AWS::Logs::LogGroup'))) expect(logGroup.Properties!['RetentionInDays']).toBe(30);
  });

  it('serves the custom domain with its certificate, TLS 1.2 or newer, and the web ACL', () => {
    synth.web.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['ab.shop.example.com'],
        ViewerCertificate: { AcmCertificateArn: CERTIFICATE, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        WebACLId: WEB_ACL,
      }),
    });
    synth.web.hasOutput('SiteUrl', { Value: 'https://ab.shop.example.com' });
  });

  it('mails the alarms to the configured address', () => {
    synth.api.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('traces every function with X-Ray when tracing is on', () => {
    for (const fn of Object.values(resourcesOf(synth.api, 'AWS::Lambda::Function'))) expect(fn.Properties!['TracingConfig']).toEqual({ Mode: 'Active' });
  });
});
