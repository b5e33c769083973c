// Runs one Lambda bundle the way the Node.js runtime does: a plain ESM import of index.mjs, then
// handler(event, context). Usage: node invoke-bundle.mjs <index.mjs> <event.json> <result.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, resultFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'bundle-test',
  functionName: 'bundle-test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
};
try {
  writeFileSync(resultFile, JSON.stringify({ result: (await handler(event, context)) ?? null }));
} catch (error) {
  writeFileSync(resultFile, JSON.stringify({ error: { name: error?.name, message: error?.message } }));
}
process.exit(0);
