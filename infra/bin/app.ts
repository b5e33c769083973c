import { App } from 'aws-cdk-lib';
import { readConfig } from '../lib/config.ts';
import { buildUpshot } from '../lib/upshot-app.ts';

/** The CDK app (`npx cdk synth|deploy` from the repository root; cdk.json points here). */
const app = new App();
// Environment-agnostic stacks: they deploy to the account and region of the credentials `cdk deploy` uses.
const { web } = buildUpshot(app, readConfig(app.node));
const { missing } = web.siteContent;
if (missing.length > 0) {
  process.stderr.write(
    `Upshot: ${missing.join(', ')} not built, so the site will go without ${missing.length === 1 ? 'it' : 'them'}. ` +
      'Build the dashboard and the SDK before deploying (docs/deploy.md, "Before the first deploy").\n',
  );
}
app.synth();
