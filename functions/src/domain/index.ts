export * from './errors.ts';
export * from './experiment.ts';
export * from './lifecycle.ts';
export * from './event.ts';
export * from './event-checks.ts';
export * from './visitor-state.ts';
export * from './counters.ts';
export * from './api-key.ts';
