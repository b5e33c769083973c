/** Structured JSON logs, one line each, for CloudWatch and the local console alike. Never log keys or visitor ids. */
function write(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const entry: Record<string, unknown> = { level, message, time: new Date().toISOString() };
  for (const [name, value] of Object.entries(fields)) {
    entry[name] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  (level === 'error' ? console.error : console.log)(JSON.stringify(entry));
}

export const logger = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
