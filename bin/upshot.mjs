#!/usr/bin/env node
// The `upshot` command (npx upshot …): registers tsx so Node runs the TypeScript CLI as is.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/src/cli/main.ts');
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await main(process.argv.slice(2));
