import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readConfig, type UpshotConfig } from '../../lib/config.ts';
import { buildUpshot, type UpshotStacks } from '../../lib/upshot-app.ts';
import { REPOSITORY_ROOT } from '../../lib/upshot-function.ts';

/** The context the CLI passes from the root cdk.json: feature flags and the defaults of `upshot:*`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

export interface Synthesized {
  app: App;
  stacks: UpshotStacks;
  config: UpshotConfig;
  data: Template;
  api: Template;
  web: Template;
}

/**
 * Synthesizes the app in process, the way `cdk synth` does (cdk.json context, cdk-nag plugins;
 * a finding without an acknowledgement makes this throw). `bundle: false` skips esbuild for a
 * quick look at a variant's templates.
 */
export function synthesize(options: { context?: Record<string, unknown>; overrides?: Partial<UpshotConfig>; bundle?: boolean } = {}): Synthesized {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      ...options.context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    },
  });
  const config = readConfig(app.node, options.overrides);
  const stacks = buildUpshot(app, config);
  return {
    app,
    stacks,
    config,
    data: Template.fromStack(stacks.data),
    api: Template.fromStack(stacks.api),
    web: Template.fromStack(stacks.web),
  };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}
