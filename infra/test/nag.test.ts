import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../lib/config.ts';
import { buildUpshot, type UpshotStacks } from '../lib/upshot-app.ts';
import { RUNTIME } from '../lib/upshot-function.ts';
import { cdkJsonContext } from './support/synth.ts';

/** The real app (bundling skipped: these checks are about templates), ready for one more construct. */
function upshot(): { app: App; stacks: UpshotStacks } {
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  return { app, stacks: buildUpshot(app, readConfig(app.node)) };
}

function synthError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return String((error as Error).message);
  }
  throw new Error('synth did not fail');
}

describe('cdk-nag in the Upshot app', () => {
  it('stops synth on an AWS Solutions finding that nobody acknowledged', () => {
    const { stacks } = upshot();
    new Queue(stacks.api, 'Unencrypted', { encryption: QueueEncryption.UNENCRYPTED });
    const message = synthError(() => Template.fromStack(stacks.api));
    expect(message).toMatch(/AwsSolutions/);
    expect(message).toMatch(/Unencrypted/);
  }, 60_000);

  it('stops synth on a Serverless finding that nobody acknowledged', () => {
    const { stacks } = upshot();
    new LambdaFunction(stacks.api, 'Bare', { runtime: RUNTIME, handler: 'index.handler', code: Code.fromInline('export const handler = async () => ({});'), timeout: Duration.seconds(5) });
    const message = synthError(() => Template.fromStack(stacks.api));
    expect(message).toMatch(/Serverless/);
    expect(message).toMatch(/Bare/);
  }, 60_000);
});
