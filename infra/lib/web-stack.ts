import { join } from 'node:path';
import { CfnOutput, DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack, Stage, Token, Validations, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
  type IOrigin,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { isPublicRoute, routes } from '@upshot/functions/routes';
import type { UpshotConfig } from './config.ts';
import { stageSiteContent, type SiteContent } from './site-content.ts';

export interface WebStackProps extends StackProps {
  config: UpshotConfig;
  publicApi: HttpApi;
  managementApi: HttpApi;
  /** The SDK endpoint's function URL, published in /deployment.json for the dashboard's install snippet. */
  sdkEndpointUrl: string;
}

/**
 * What the dashboard learns about its deployment from `/deployment.json` (the local platform
 * serves the same file): where pages should send the SDK's requests.
 */
export const DEPLOYMENT_FILE = 'deployment.json';

/** The dashboard is a single-page app: paths without a file extension get its index.html. */
const SPA_REWRITE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.indexOf('/app/') !== 0 && uri.indexOf('/sdk/') !== 0 && uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

/**
 * The dashboard loads only its own scripts and talks only to its own origin (the API is under /v1 on
 * it). Images may come from any HTTPS origin: offer previews show the variant's `imageUrl`, which
 * lives on the shop's own CDN (the dashboard sends no referrer with them).
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  'upgrade-insecure-requests',
].join('; ');

/** JSON responses load nothing and are never framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** CloudFront path patterns of the public routes (`{param}` becomes `*`), e.g. `/v1/events`. */
export const publicPathPatterns = (): string[] =>
  routes.filter(isPublicRoute).map((route) => route.path.replace(/\{[^}]+\}/g, '*'));

/**
 * The site: a private, encrypted, TLS-only bucket behind CloudFront (origin access control),
 * serving the dashboard and the SDK, with the public routes and the rest of `/v1/*` sent to the
 * two HTTP APIs on the same domain — so the SDK's requests are first party for the page that
 * serves it from its own domain.
 */
export class WebStack extends Stack {
  readonly siteBucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly siteContent: SiteContent;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.logBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logs are delivered with an ACL grant, so this bucket keeps ACLs enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.accessLogExpirationDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the site bucket and the distribution; logging it into itself would log every log delivery.',
    });

    this.siteBucket = new Bucket(this, 'Site', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      // Only build output lives here: every deploy publishes it again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const common = {
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
    };
    const siteHeaders = new ResponseHeadersPolicy(this, 'SiteHeaders', {
      comment: 'Upshot site: security headers',
      securityHeadersBehavior: { ...common, contentSecurityPolicy: { contentSecurityPolicy: DASHBOARD_CSP, override: true } },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Upshot API: security headers (CORS headers come from the API)',
      securityHeadersBehavior: { ...common, contentSecurityPolicy: { contentSecurityPolicy: API_CSP, override: true } },
    });

    const spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Dashboard routes without a file extension get index.html',
      code: FunctionCode.fromInline(SPA_REWRITE),
      runtime: FunctionRuntime.JS_2_0,
    });

    const apiBehavior = (origin: IOrigin): BehaviorOptions => ({
      origin,
      // A redirect would turn a POST into a GET: the API refuses plain HTTP instead.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Nothing of the API is cached at the edge; every header but Host (keys, origin, If-None-Match) reaches it.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
      compress: true,
    });
    const apiOrigin = (api: HttpApi) =>
      new HttpOrigin(Fn.parseDomainName(api.apiEndpoint), {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      });
    const publicOrigin = apiOrigin(props.publicApi);
    const managementOrigin = apiOrigin(props.managementApi);
    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    for (const pattern of publicPathPatterns()) additionalBehaviors[pattern] = apiBehavior(publicOrigin);
    additionalBehaviors['/v1/*'] = apiBehavior(managementOrigin);

    // The TLS policy only applies to a custom certificate; the default *.cloudfront.net one has a fixed policy.
    const customDomain =
      config.domainName && config.certificateArn
        ? {
            domainNames: [config.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', config.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Upshot ${config.stage}`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: siteHeaders,
        functionAssociations: [{ function: spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass[priceClassKey(config.priceClass)],
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: config.webAclArn,
      ...customDomain,
    });
    if (!config.domainName) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose policy it fixes; set upshot:domainName and upshot:certificateArn to enforce TLSv1.2_2021.',
      });
    }
    if (!config.webAclArn) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason: 'A WAF web ACL is optional (upshot:webAclArn attaches one): every API route is throttled per stage, validates its input and checks a key; a web ACL adds a monthly and per-request cost.',
      });
    }
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Offer pages are served worldwide; which countries an experiment targets is decided per experiment, not by blocking countries at the edge.',
    });

    this.siteContent = stageSiteContent(join(Stage.of(this)!.outdir, '.upshot-site'));
    new BucketDeployment(this, 'Publish', {
      sources: [Source.asset(this.siteContent.dir), Source.jsonData(DEPLOYMENT_FILE, { sdkEndpointUrl: props.sdkEndpointUrl })],
      destinationBucket: this.siteBucket,
      prune: true,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // The dashboard and SDK files keep stable names, so browsers revalidate after five minutes.
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.minutes(5))],
      memoryLimit: 512,
      logGroup: new LogGroup(this, 'PublishLogs', { retention: config.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledgeBucketDeployment(this, this.siteBucket);

    const url = config.domainName ? `https://${config.domainName}` : `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'SiteUrl', { value: url, description: 'The dashboard, the SDK (/sdk/upshot.js) and the API (/v1/…).' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName, description: 'Point the custom domain (CNAME or alias) here.' });
    new CfnOutput(this, 'SiteBucketName', { value: this.siteBucket.bucketName });
  }
}

function priceClassKey(value: UpshotConfig['priceClass']): keyof typeof PriceClass {
  return ({ PriceClass_100: 'PRICE_CLASS_100', PriceClass_200: 'PRICE_CLASS_200', PriceClass_All: 'PRICE_CLASS_ALL' } as const)[value];
}

/**
 * BucketDeployment brings CDK's own singleton function (Python, managed by CDK) that copies the
 * site into the bucket during deployment; its findings are about code and a role Upshot does not write.
 */
function acknowledgeBucketDeployment(stack: Stack, site: Bucket): void {
  const handler = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!handler) throw new Error('The BucketDeployment handler was not found; its acknowledgements need updating.');
  const synthesizer = stack.synthesizer as { bootstrapQualifier?: string };
  const qualifier = synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const siteArn = `<${stack.getLogicalId(site.node.defaultChild as CfnBucket)}.Arn>`;
  const readAssets = 'It reads the site archive that `cdk deploy` uploaded to the CDK assets bucket: s3:GetObject*, s3:GetBucket* and s3:List* on that bucket only.';
  const writeSite = 'It copies the site into the site bucket and prunes files that are gone: object actions on that one bucket only.';
  const reasons: Record<string, string> = {
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      "CDK's BucketDeployment handler: the managed policy only lets it write its own logs.",
    'AwsSolutions-IAM5[Action::s3:GetObject*]': readAssets,
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': readAssets,
    'AwsSolutions-IAM5[Action::s3:List*]': readAssets,
    [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${account}-${region}/*]`]: readAssets,
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': writeSite,
    'AwsSolutions-IAM5[Action::s3:Abort*]': writeSite,
    [`AwsSolutions-IAM5[Resource::${siteArn}/*]`]: writeSite,
    'AwsSolutions-IAM5[Resource::*]':
      'It invalidates the distribution after publishing; CDK grants cloudfront:CreateInvalidation and GetInvalidation on * for its handler.',
    'AwsSolutions-L1': "CDK pins and ships this handler's Python runtime with aws-cdk-lib; upgrading aws-cdk-lib upgrades it.",
    'Serverless-LambdaLatestVersion': "CDK pins and ships this handler's Python runtime with aws-cdk-lib; upgrading aws-cdk-lib upgrades it.",
    'Serverless-LambdaDLQ': 'CloudFormation invokes it as a custom resource and waits for its answer; a failure fails and rolls back the deployment, there is no event to keep.',
    'Serverless-LambdaTracing': 'It runs only during deployments, to copy files; its log group records each run.',
  };
  for (const [id, reason] of Object.entries(reasons)) Validations.of(handler).acknowledge({ id, reason });
}
