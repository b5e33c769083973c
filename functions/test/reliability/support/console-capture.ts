import { vi } from 'vitest';

export interface ConsoleCapture {
  /** Every line written through console.log/info/warn/error/debug since the capture started. */
  lines(): string[];
  restore(): void;
}

/** Captures (and silences) console output, where the platform's logger writes its JSON lines. */
export function captureConsole(): ConsoleCapture {
  const captured: string[] = [];
  const record = (...values: unknown[]) => {
    captured.push(values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(' '));
  };
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(record));
  return {
    lines: () => [...captured],
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}
