import { parseArgs } from 'node:util';
import { JavaNotFoundError } from './dynamodb-local.ts';
import { localDataDir } from './paths.ts';
import { startPlatform } from './platform.ts';

const usage = `Usage: npm start -- [--port 8787] [--sdk-port <port + 1>] [--data .upshot] [--no-demo]

Runs the whole Upshot platform on one port: the API, the dashboard, the SDK bundle,
the demo page and DynamoDB Local (data kept in --data, so a restart loses nothing).
The SDK endpoint (the public routes, as the deployment's Lambda function URL serves
them) listens on --sdk-port.
Environment: PORT, UPSHOT_SDK_PORT, UPSHOT_DATA.`;

async function main(): Promise<void> {
  // The AWS SDK warns that releases after January 2027 need Node 22; the pinned versions run on Node 20.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'sdk-port': { type: 'string' },
      data: { type: 'string' },
      'no-demo': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port ?? process.env['PORT'] ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not "${values.port}".`);
  const sdkPort = Number(values['sdk-port'] ?? process.env['UPSHOT_SDK_PORT'] ?? (port === 0 ? 0 : port + 1));
  if (!Number.isInteger(sdkPort) || sdkPort < 0 || sdkPort > 65_535) throw new Error(`--sdk-port must be a port number, not "${values['sdk-port']}".`);
  const dataDir = localDataDir(values.data);

  const platform = await startPlatform({ dataDir, port, sdkEndpointPort: sdkPort, demo: !values['no-demo'], log: (line) => console.log(line) });
  console.log('');
  console.log(`Upshot is running at ${platform.url}`);
  console.log(`  API health:  ${platform.url}/v1/health`);
  console.log(`  Dashboard:   ${platform.url}/`);
  console.log(`  Demo page:   ${platform.url}/demo/?key=${platform.keys.sdkKey}`);
  console.log(`  SDK bundle:  ${platform.url}/sdk/upshot.js`);
  console.log(`  SDK endpoint (the function URL's twin, for apiUrl): ${platform.sdkEndpointUrl}`);
  console.log(`Admin key: ${platform.keys.adminKey}`);
  console.log(`SDK key: ${platform.keys.sdkKey}`);
  console.log(`  (also in ${dataDir}/admin-key and ${dataDir}/sdk-key${platform.keys.created ? ', created just now' : ''})`);
  console.log('Press Ctrl+C to stop.');

  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    console.log(`\n${signal}: stopping…`);
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof JavaNotFoundError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port in use: ${(error as Error).message}. Pick others with --port and --sdk-port.`);
  else console.error(error);
  process.exit(1);
});
