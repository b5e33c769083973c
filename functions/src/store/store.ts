import type { ApiKeyRecord, CounterDelta, Experiment, SdkKeyRecord, VisitorState } from '../domain/index.ts';

/** Identifies one visitor's state in one experiment phase. */
export interface VisitorKey {
  experiment: string;
  phase: number;
  visitor: string;
}

/** The counters of one variant on one day, summed over the aggregator's shards. */
export interface CounterRow {
  variant: string;
  day: string;
  counters: Record<string, bigint>;
}

/** One counter item's share of a stream batch: the records it must apply, each exactly once. */
export interface CounterUpdate {
  experiment: string;
  phase: number;
  variant: string;
  day: string;
  /** Stream shard the records came from; a shard's records arrive in sequence order. */
  shard: string;
  records: { sequenceNumber: string; delta: CounterDelta }[];
}

/**
 * The persistence port. One adapter implements it (DynamoDB); use cases depend on this
 * interface only, so tests and the composition root choose the client.
 */
export interface Store {
  createExperiment(experiment: Experiment): Promise<void>;
  getExperiment(key: string): Promise<Experiment | null>;
  listExperiments(): Promise<Experiment[]>;
  /** Writes a changed experiment if nobody else changed it since `experiment.version`; returns the stored one. */
  saveExperiment(experiment: Experiment): Promise<Experiment>;

  getVisitorStates(keys: VisitorKey[]): Promise<Map<string, VisitorState>>;
  /** Writes a visitor state if its version is still the one read; false when someone else wrote first. */
  putVisitorState(state: VisitorState, expiresAt: number): Promise<boolean>;

  /** Adds each record's delta exactly once, however often a stream batch is retried. */
  applyCounterUpdate(update: CounterUpdate): Promise<void>;
  readCounters(experiment: string, phase: number): Promise<CounterRow[]>;
  /** Recomputes every counter from the visitor states; for recovery when the stream is lost. */
  rebuildCounters(): Promise<{ visitors: number }>;

  putApiKey(record: ApiKeyRecord): Promise<void>;
  getApiKey(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: string): Promise<ApiKeyRecord | null>;

  putSdkKey(record: SdkKeyRecord): Promise<void>;
  getSdkKey(hash: string): Promise<SdkKeyRecord | null>;
  listSdkKeys(): Promise<SdkKeyRecord[]>;
  revokeSdkKey(id: string, at: string): Promise<SdkKeyRecord | null>;
}

export function visitorKeyString(key: VisitorKey): string {
  return `${key.experiment}#${key.phase}#${key.visitor}`;
}
