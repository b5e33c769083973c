import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors.ts';
import { counterDelta, type CounterDelta } from '../../src/domain/counters.ts';
import { newExperimentSchema, type Experiment } from '../../src/domain/experiment.ts';
import { draftExperiment } from '../../src/domain/lifecycle.ts';
import type { VisitorState } from '../../src/domain/visitor-state.ts';
import type { ApiKeyRecord, SdkKeyRecord } from '../../src/domain/api-key.ts';
import { DynamoDbStore } from '../../src/store/dynamodb-store.ts';
import type { CounterRow, CounterUpdate } from '../../src/store/store.ts';
import { createTestTable, testClientConfig } from '../support/dynamodb.ts';

let client: DynamoDBClient;
let tableName: string;
let store: DynamoDbStore;

beforeAll(async () => {
  client = new DynamoDBClient(testClientConfig());
  tableName = await createTestTable('store');
  store = new DynamoDbStore({ client, tableName });
});

afterAll(() => {
  client.destroy();
});

/** A store on a table of its own, for tests that scan the whole table. */
async function freshStore(): Promise<DynamoDbStore> {
  return new DynamoDbStore({ client, tableName: await createTestTable('store-fresh') });
}

function experiment(key: string, overrides: Partial<Experiment> = {}): Experiment {
  const definition = newExperimentSchema.parse({
    key,
    name: `Experiment ${key}`,
    variants: [
      { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
      { key: 'B', weight: 0.5, payload: { headline: '10% off your first order' } },
    ],
    goals: [{ key: 'purchase', primary: true, revenue: true }],
    stages: ['cart', 'checkout'],
    costs: { B: { fixed: 500, perConversion: 2, revenueShare: 0.1 } },
    margin: 0.4,
  });
  return { ...draftExperiment(definition, new Date('2025-06-01T00:00:00.000Z')), ...overrides };
}

function visitorState(overrides: Partial<VisitorState> = {}): VisitorState {
  return {
    experiment: 'hero-offer',
    phase: 1,
    visitor: 'v-1',
    variant: 'A',
    exposedAt: 1_750_000_000_000,
    day: '2025-06-15',
    goals: {},
    stages: {},
    ids: ['aaaaaaaaaaaa'],
    version: 0,
    ...overrides,
  };
}

let uniqueCounter = 0;
/** A fresh experiment key per test, so tests sharing the table do not see each other's items. */
function uniqueKey(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

function update(overrides: Partial<CounterUpdate> & Pick<CounterUpdate, 'experiment' | 'records'>): CounterUpdate {
  return { phase: 1, variant: 'A', day: '2025-06-15', shard: 'shard-1', ...overrides };
}

/** Record i adds 10^(i−1) to rev.purchase, so the sum spells out which records were applied. */
function records(from: number, to: number): CounterUpdate['records'] {
  const list: CounterUpdate['records'] = [];
  for (let i = from; i <= to; i++) list.push({ sequenceNumber: `${1000 + i}`, delta: { 'rev.purchase': 10n ** BigInt(i - 1) } });
  return list;
}

function row(rows: CounterRow[], variant: string, day: string): Record<string, bigint> | undefined {
  return rows.find((candidate) => candidate.variant === variant && candidate.day === day)?.counters;
}

describe('DynamoDbStore', () => {
  describe('experiments', () => {
    it('creates an experiment and reads it back with version 1', async () => {
      const created = experiment(uniqueKey('create'));
      await store.createExperiment(created);
      expect(await store.getExperiment(created.key)).toEqual({ ...created, version: 1 });
    });

    it('returns null for an unknown experiment', async () => {
      expect(await store.getExperiment('no-such-experiment')).toBeNull();
    });

    it('refuses to create an experiment whose key exists, with a ConflictError', async () => {
      const key = uniqueKey('duplicate');
      await store.createExperiment(experiment(key));
      const second = store.createExperiment(experiment(key, { name: 'Another' }));
      await expect(second).rejects.toBeInstanceOf(ConflictError);
      await expect(store.createExperiment(experiment(key))).rejects.toThrow(`An experiment with key "${key}" already exists.`);
      expect((await store.getExperiment(key))?.name).toBe(`Experiment ${key}`);
    });

    it('saves a change made on the current version and bumps the version', async () => {
      const key = uniqueKey('save');
      await store.createExperiment(experiment(key));
      const current = (await store.getExperiment(key))!;
      const saved = await store.saveExperiment({ ...current, name: 'Renamed', status: 'running' });
      expect(saved.version).toBe(2);
      expect(await store.getExperiment(key)).toEqual({ ...current, name: 'Renamed', status: 'running', version: 2 });
    });

    it('refuses a save from a stale version with a ConflictError and keeps the newer write', async () => {
      const key = uniqueKey('stale');
      await store.createExperiment(experiment(key));
      const read = (await store.getExperiment(key))!;
      await store.saveExperiment({ ...read, name: 'First writer' });
      await expect(store.saveExperiment({ ...read, name: 'Second writer' })).rejects.toBeInstanceOf(ConflictError);
      await expect(store.saveExperiment({ ...read, name: 'Second writer' })).rejects.toThrow(
        `Experiment "${key}" was changed by someone else; reload it and try again.`,
      );
      const stored = (await store.getExperiment(key))!;
      expect(stored.name).toBe('First writer');
      expect(stored.version).toBe(2);
    });

    it('refuses to save an experiment that was never created', async () => {
      await expect(store.saveExperiment(experiment(uniqueKey('never'), { version: 1 }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('lists every experiment', async () => {
      const own = await freshStore();
      await own.createExperiment(experiment('gamma'));
      await own.createExperiment(experiment('alpha', { status: 'running', phase: 1, seed: 'abc' }));
      await own.createExperiment(experiment('beta'));
      const listed = await own.listExperiments();
      expect(listed.map((candidate) => candidate.key).sort()).toEqual(['alpha', 'beta', 'gamma']);
      expect(listed.find((candidate) => candidate.key === 'alpha')).toMatchObject({ status: 'running', phase: 1, seed: 'abc', version: 1 });
    });

    it('lists nothing on an empty table', async () => {
      expect(await (await freshStore()).listExperiments()).toEqual([]);
    });
  });

  describe('visitor states', () => {
    it('writes a new state once: a second "new" write of the same visitor returns false', async () => {
      const visitor = uniqueKey('visitor');
      expect(await store.putVisitorState(visitorState({ visitor }), 1_800_000_000)).toBe(true);
      expect(await store.putVisitorState(visitorState({ visitor, variant: 'B' }), 1_800_000_000)).toBe(false);
      const read = await store.getVisitorStates([{ experiment: 'hero-offer', phase: 1, visitor }]);
      expect(read.get(`hero-offer#1#${visitor}`)).toEqual(visitorState({ visitor, version: 1 }));
    });

    it('writes on the version it read and refuses a write from a stale version', async () => {
      const visitor = uniqueKey('visitor');
      await store.putVisitorState(visitorState({ visitor }), 1_800_000_000);
      const converted = visitorState({ visitor, version: 1, goals: { purchase: { revenue: 1_999, at: 1_750_000_100_000 } }, ids: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'] });
      expect(await store.putVisitorState(converted, 1_800_000_000)).toBe(true);
      const stale = visitorState({ visitor, version: 1, stages: { cart: { at: 1_750_000_050_000, recovered: false } }, ids: ['aaaaaaaaaaaa', 'cccccccccccc'] });
      expect(await store.putVisitorState(stale, 1_800_000_000)).toBe(false);
      const read = (await store.getVisitorStates([{ experiment: 'hero-offer', phase: 1, visitor }])).get(`hero-offer#1#${visitor}`);
      expect(read).toEqual({ ...converted, version: 2 });
    });

    it('refuses a write from a version ahead of the stored one', async () => {
      const visitor = uniqueKey('visitor');
      await store.putVisitorState(visitorState({ visitor }), 1_800_000_000);
      expect(await store.putVisitorState(visitorState({ visitor, version: 5 }), 1_800_000_000)).toBe(false);
    });

    it('refuses an update of a state that was never written', async () => {
      expect(await store.putVisitorState(visitorState({ visitor: uniqueKey('ghost'), version: 3 }), 1_800_000_000)).toBe(false);
    });

    it('stores the expiry time in the TTL attribute', async () => {
      const visitor = uniqueKey('ttl');
      await store.putVisitorState(visitorState({ visitor }), 1_812_345_678);
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: `VIS#hero-offer#1#${visitor}` }, sk: { S: 'STATE' } } }),
      );
      expect(Item?.['expiresAt']).toEqual({ N: '1812345678' });
    });

    it('round-trips goals, stages, ids and numbers exactly', async () => {
      const state = visitorState({
        visitor: uniqueKey('roundtrip'),
        variant: 'B',
        phase: 3,
        goals: { purchase: { revenue: 999_999_999_999, at: 1_750_000_100_000 }, signup: { revenue: 0, at: 1_750_000_090_000 } },
        stages: { cart: { at: 1_750_000_050_000, recovered: true }, checkout: { at: 1_750_000_200_000, recovered: false } },
        ids: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc'],
      });
      await store.putVisitorState(state, 1_800_000_000);
      const read = await store.getVisitorStates([{ experiment: state.experiment, phase: 3, visitor: state.visitor }]);
      expect(read.get(`hero-offer#3#${state.visitor}`)).toEqual({ ...state, version: 1 });
    });

    it('keeps phases of the same visitor apart', async () => {
      const visitor = uniqueKey('phases');
      expect(await store.putVisitorState(visitorState({ visitor, phase: 1, variant: 'A' }), 1_800_000_000)).toBe(true);
      expect(await store.putVisitorState(visitorState({ visitor, phase: 2, variant: 'B' }), 1_800_000_000)).toBe(true);
      const read = await store.getVisitorStates([
        { experiment: 'hero-offer', phase: 1, visitor },
        { experiment: 'hero-offer', phase: 2, visitor },
      ]);
      expect(read.get(`hero-offer#1#${visitor}`)?.variant).toBe('A');
      expect(read.get(`hero-offer#2#${visitor}`)?.variant).toBe('B');
    });

    it('reads more than 100 states in one call, leaves out missing ones and ignores repeated keys', async () => {
      const experimentKey = uniqueKey('many');
      const visitors = Array.from({ length: 230 }, (_, index) => `visitor-${index}`);
      const written = await Promise.all(
        visitors.map((visitor, index) =>
          store.putVisitorState(visitorState({ experiment: experimentKey, visitor, variant: index % 2 ? 'B' : 'A', exposedAt: index }), 1_800_000_000),
        ),
      );
      expect(written.every(Boolean)).toBe(true);
      const keys = [
        ...visitors.map((visitor) => ({ experiment: experimentKey, phase: 1, visitor })),
        ...visitors.slice(0, 40).map((visitor) => ({ experiment: experimentKey, phase: 1, visitor })),
        { experiment: experimentKey, phase: 1, visitor: 'never-seen-1' },
        { experiment: experimentKey, phase: 1, visitor: 'never-seen-2' },
      ];
      const read = await store.getVisitorStates(keys);
      expect(read.size).toBe(230);
      expect(read.get(`${experimentKey}#1#visitor-0`)).toEqual(visitorState({ experiment: experimentKey, visitor: 'visitor-0', variant: 'A', exposedAt: 0, version: 1 }));
      expect(read.get(`${experimentKey}#1#visitor-229`)).toEqual(
        visitorState({ experiment: experimentKey, visitor: 'visitor-229', variant: 'B', exposedAt: 229, version: 1 }),
      );
      expect(read.has(`${experimentKey}#1#never-seen-1`)).toBe(false);
    });

    it('reads nothing for no keys', async () => {
      expect((await store.getVisitorStates([])).size).toBe(0);
    });

    it('reads a visitor asked for twice in a batch of exactly 100 distinct keys', async () => {
      const experimentKey = uniqueKey('hundred');
      await store.putVisitorState(visitorState({ experiment: experimentKey, visitor: 'v-0' }), 1_800_000_000);
      const keys = Array.from({ length: 100 }, (_, index) => ({ experiment: experimentKey, phase: 1, visitor: `v-${index}` }));
      const read = await store.getVisitorStates([...keys, keys[0]!]);
      expect([...read.keys()]).toEqual([`${experimentKey}#1#v-0`]);
    });
  });

  describe('applyCounterUpdate and readCounters', () => {
    it('adds the deltas of every record and reads them back per variant and day', async () => {
      const experimentKey = uniqueKey('counters');
      await store.applyCounterUpdate(
        update({
          experiment: experimentKey,
          records: [
            { sequenceNumber: '100', delta: { visitors: 1n, 'conv.purchase': 1n, 'rev.purchase': 300n, 'rev2.purchase': 90_000n } },
            { sequenceNumber: '101', delta: { 'rev.purchase': 400n, 'rev2.purchase': 400_000n } },
            { sequenceNumber: '102', delta: { visitors: 1n, 'aband.cart': 1n } },
          ],
        }),
      );
      expect(await store.readCounters(experimentKey, 1)).toEqual([
        {
          variant: 'A',
          day: '2025-06-15',
          counters: { visitors: 2n, 'conv.purchase': 1n, 'rev.purchase': 700n, 'rev2.purchase': 490_000n, 'aband.cart': 1n },
        },
      ]);
    });

    it('adds negative deltas', async () => {
      const experimentKey = uniqueKey('negative');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '1', delta: { visitors: 5n } }] }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '2', delta: { visitors: -2n } }] }));
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ visitors: 3n });
    });

    it('adds a revenue square beyond 2^53 exactly', async () => {
      const experimentKey = uniqueKey('bigint');
      // 2^53 + 1 = 9,007,199,254,740,993 is not representable as a double.
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '1', delta: { 'rev2.purchase': 9_007_199_254_740_993n } }] }));
      await store.applyCounterUpdate(
        update({ experiment: experimentKey, records: [{ sequenceNumber: '2', delta: { 'rev2.purchase': 90_000_000_000_000_000_000_000_000_001n } }] }),
      );
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({
        'rev2.purchase': 90_000_000_000_009_007_199_254_740_994n,
      });
    });

    it('does not apply a re-delivered update twice', async () => {
      const experimentKey = uniqueKey('redelivered');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: records(1, 5) }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: records(1, 5) }));
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ 'rev.purchase': 11_111n });
    });

    it('applies only the records past the watermark of an overlapping update', async () => {
      const experimentKey = uniqueKey('overlap');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: records(1, 5) }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: records(3, 8) }));
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ 'rev.purchase': 11_111_111n });
    });

    it('applies records given out of order once each', async () => {
      const experimentKey = uniqueKey('unsorted');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [...records(1, 4)].reverse() }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [...records(3, 6)].reverse() }));
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ 'rev.purchase': 111_111n });
    });

    it('orders sequence numbers of different lengths by value, not as text', async () => {
      const experimentKey = uniqueKey('lengths');
      await store.applyCounterUpdate(
        update({ experiment: experimentKey, records: [{ sequenceNumber: '9', delta: { visitors: 1n } }] }),
      );
      await store.applyCounterUpdate(
        update({ experiment: experimentKey, records: [{ sequenceNumber: '10', delta: { visitors: 10n } }] }),
      );
      await store.applyCounterUpdate(
        update({ experiment: experimentKey, records: [{ sequenceNumber: '9', delta: { visitors: 1n } }, { sequenceNumber: '10', delta: { visitors: 10n } }] }),
      );
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ visitors: 11n });
    });

    it('handles real-length stream sequence numbers', async () => {
      const experimentKey = uniqueKey('realistic');
      const first = '49629061339826745419212563847127431127003127005217849346';
      const second = '49629061339826745419212563847127431127003127005217849347';
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: first, delta: { visitors: 1n } }] }));
      await store.applyCounterUpdate(
        update({ experiment: experimentKey, records: [{ sequenceNumber: first, delta: { visitors: 1n } }, { sequenceNumber: second, delta: { visitors: 2n } }] }),
      );
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ visitors: 3n });
    });

    it('counts two shards\' updates to the same variant and day both, summed in readCounters', async () => {
      const experimentKey = uniqueKey('shards');
      await store.applyCounterUpdate(update({ experiment: experimentKey, shard: 'shard-1', records: [{ sequenceNumber: '500', delta: { visitors: 3n } }] }));
      // The same sequence number from another shard is another record.
      await store.applyCounterUpdate(update({ experiment: experimentKey, shard: 'shard-2', records: [{ sequenceNumber: '500', delta: { visitors: 4n } }] }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, shard: 'shard-2', records: [{ sequenceNumber: '20', delta: { visitors: 100n } }] }));
      expect(await store.readCounters(experimentKey, 1)).toEqual([{ variant: 'A', day: '2025-06-15', counters: { visitors: 7n } }]);
    });

    it('applies successive updates of one shard with disjoint record ranges, in order, to many items at once', async () => {
      // A shard's batches arrive one at a time (parallelization factor 1); items of one batch are written concurrently.
      const experimentKey = uniqueKey('concurrent');
      const days = Array.from({ length: 10 }, (_, index) => `2025-07-${String(index + 10)}`);
      for (const range of [records(1, 3), records(4, 6), records(7, 9)]) {
        await Promise.all(days.map((day) => store.applyCounterUpdate(update({ experiment: experimentKey, day, records: range }))));
      }
      expect(await store.readCounters(experimentKey, 1)).toEqual(
        days.map((day) => ({ variant: 'A', day, counters: { 'rev.purchase': 111_111_111n } })),
      );
    });

    it('applies concurrent updates of several shards and variants to their own items', async () => {
      const experimentKey = uniqueKey('parallel');
      await Promise.all(
        ['shard-1', 'shard-2', 'shard-3'].flatMap((shard) =>
          ['A', 'B'].map((variant) =>
            store.applyCounterUpdate(update({ experiment: experimentKey, shard, variant, records: [{ sequenceNumber: '7', delta: { visitors: 1n, 'rev.purchase': 5n } }] })),
          ),
        ),
      );
      expect(await store.readCounters(experimentKey, 1)).toEqual([
        { variant: 'A', day: '2025-06-15', counters: { visitors: 3n, 'rev.purchase': 15n } },
        { variant: 'B', day: '2025-06-15', counters: { visitors: 3n, 'rev.purchase': 15n } },
      ]);
    });

    it('moves the watermark on an update whose deltas are all zero', async () => {
      const experimentKey = uniqueKey('zero');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '1', delta: { visitors: 1n } }] }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '2', delta: { visitors: 1n, 'rev.purchase': 0n } }, { sequenceNumber: '3', delta: { visitors: -1n } }] }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [{ sequenceNumber: '2', delta: { visitors: 1n } }] }));
      expect(row(await store.readCounters(experimentKey, 1), 'A', '2025-06-15')).toEqual({ visitors: 1n });
    });

    it('does nothing for an update without records', async () => {
      const experimentKey = uniqueKey('empty');
      await store.applyCounterUpdate(update({ experiment: experimentKey, records: [] }));
      expect(await store.readCounters(experimentKey, 1)).toEqual([]);
    });

    it('reads rows sorted by day then variant, and keeps phases and experiments apart', async () => {
      const experimentKey = uniqueKey('rows');
      const other = uniqueKey('other');
      const one = (sequenceNumber: string, delta: CounterDelta) => [{ sequenceNumber, delta }];
      await store.applyCounterUpdate(update({ experiment: experimentKey, variant: 'B', day: '2025-06-16', records: one('1', { visitors: 1n }) }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, variant: 'A', day: '2025-06-16', records: one('2', { visitors: 2n }) }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, variant: 'B', day: '2025-06-15', records: one('3', { visitors: 3n }) }));
      await store.applyCounterUpdate(update({ experiment: experimentKey, phase: 2, variant: 'A', day: '2025-06-15', records: one('4', { visitors: 40n }) }));
      await store.applyCounterUpdate(update({ experiment: other, variant: 'A', day: '2025-06-15', records: one('5', { visitors: 50n }) }));
      expect(await store.readCounters(experimentKey, 1)).toEqual([
        { variant: 'B', day: '2025-06-15', counters: { visitors: 3n } },
        { variant: 'A', day: '2025-06-16', counters: { visitors: 2n } },
        { variant: 'B', day: '2025-06-16', counters: { visitors: 1n } },
      ]);
      expect(await store.readCounters(experimentKey, 2)).toEqual([{ variant: 'A', day: '2025-06-15', counters: { visitors: 40n } }]);
      expect(await store.readCounters(experimentKey, 3)).toEqual([]);
    });
  });

  describe('API and SDK keys', () => {
    const apiKey = (hash: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
      id: hash.slice(0, 12),
      hash,
      label: `Key ${hash.slice(0, 4)}`,
      role: 'admin',
      createdAt: '2025-06-01T10:00:00.000Z',
      ...overrides,
    });
    const sdkKey = (hash: string, overrides: Partial<SdkKeyRecord> = {}): SdkKeyRecord => ({
      id: hash.slice(0, 12),
      hash,
      label: `Site ${hash.slice(0, 4)}`,
      origins: ['https://shop.example.com', 'http://localhost:*'],
      createdAt: '2025-06-01T10:00:00.000Z',
      ...overrides,
    });
    const hashA = 'a1'.repeat(32);
    const hashB = 'b2'.repeat(32);
    const hashC = 'c3'.repeat(32);

    it('puts, gets, lists and revokes API keys', async () => {
      const own = await freshStore();
      await own.putApiKey(apiKey(hashA));
      await own.putApiKey(apiKey(hashB, { role: 'analyst', label: 'Reporting' }));
      expect(await own.getApiKey(hashA)).toEqual(apiKey(hashA));
      expect(await own.getApiKey(hashC)).toBeNull();
      expect((await own.listApiKeys()).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        apiKey(hashA),
        apiKey(hashB, { role: 'analyst', label: 'Reporting' }),
      ]);

      const revoked = await own.revokeApiKey('b2b2b2b2b2b2', '2025-06-02T12:00:00.000Z');
      expect(revoked).toEqual(apiKey(hashB, { role: 'analyst', label: 'Reporting', revokedAt: '2025-06-02T12:00:00.000Z' }));
      expect(await own.getApiKey(hashB)).toEqual(revoked);
      expect(await own.getApiKey(hashA)).toEqual(apiKey(hashA));
    });

    it('keeps the first revocation time when a key is revoked twice', async () => {
      const own = await freshStore();
      await own.putApiKey(apiKey(hashA));
      await own.revokeApiKey('a1a1a1a1a1a1', '2025-06-02T12:00:00.000Z');
      expect((await own.revokeApiKey('a1a1a1a1a1a1', '2025-06-03T12:00:00.000Z'))?.revokedAt).toBe('2025-06-02T12:00:00.000Z');
    });

    it('answers null when revoking an unknown id', async () => {
      const own = await freshStore();
      await own.putApiKey(apiKey(hashA));
      expect(await own.revokeApiKey('ffffffffffff', '2025-06-02T12:00:00.000Z')).toBeNull();
      expect(await own.revokeApiKey('a1a1', '2025-06-02T12:00:00.000Z')).toBeNull();
      expect(await own.revokeApiKey('', '2025-06-02T12:00:00.000Z')).toBeNull();
      expect((await own.getApiKey(hashA))?.revokedAt).toBeUndefined();
    });

    it('puts, gets, lists and revokes SDK keys apart from API keys', async () => {
      const own = await freshStore();
      await own.putSdkKey(sdkKey(hashA));
      await own.putSdkKey(sdkKey(hashC, { origins: ['https://*.example.org'] }));
      expect(await own.getSdkKey(hashA)).toEqual(sdkKey(hashA));
      expect(await own.getApiKey(hashA)).toBeNull();
      expect(await own.listApiKeys()).toEqual([]);
      expect((await own.listSdkKeys()).map((record) => record.id).sort()).toEqual(['a1a1a1a1a1a1', 'c3c3c3c3c3c3']);

      expect(await own.revokeSdkKey('c3c3c3c3c3c3', '2025-06-05T00:00:00.000Z')).toEqual(
        sdkKey(hashC, { origins: ['https://*.example.org'], revokedAt: '2025-06-05T00:00:00.000Z' }),
      );
      expect(await own.revokeSdkKey('b2b2b2b2b2b2', '2025-06-05T00:00:00.000Z')).toBeNull();
      expect(await own.revokeApiKey('a1a1a1a1a1a1', '2025-06-05T00:00:00.000Z')).toBeNull();
    });
  });

  describe('rebuildCounters', () => {
    /** Writes each state in turn the way ingest does and applies its counter delta the way the aggregator does. */
    async function writeAndAggregate(target: DynamoDbStore, history: VisitorState[][]): Promise<void> {
      let sequence = 1_000;
      const latest = new Map<string, VisitorState>();
      for (const step of history) {
        for (const state of step) {
          const key = `${state.experiment}#${state.phase}#${state.visitor}`;
          const before = latest.get(key) ?? null;
          const version = before ? before.version : 0;
          expect(await target.putVisitorState({ ...state, version }, 1_800_000_000)).toBe(true);
          latest.set(key, { ...state, version: version + 1 });
          sequence += 1;
          await target.applyCounterUpdate({
            experiment: state.experiment,
            phase: state.phase,
            variant: state.variant,
            day: state.day,
            shard: sequence % 2 ? 'shard-odd' : 'shard-even',
            records: [{ sequenceNumber: String(sequence), delta: counterDelta(before, state) }],
          });
        }
      }
    }

    it('recomputes from the visitor states the counters incremental updates produced', async () => {
      const own = await freshStore();
      const day = '2025-06-15';
      await writeAndAggregate(own, [
        [
          visitorState({ visitor: 'v1', variant: 'A', day }),
          visitorState({ visitor: 'v2', variant: 'B', day }),
          visitorState({ visitor: 'v3', variant: 'B', day }),
          visitorState({ experiment: 'other', visitor: 'v1', variant: 'A', day }),
          visitorState({ visitor: 'v1', phase: 2, variant: 'B', day }),
        ],
        [
          visitorState({ visitor: 'v2', variant: 'B', day, goals: { purchase: { revenue: 300, at: 2 } } }),
          visitorState({ visitor: 'v3', variant: 'B', day, stages: { cart: { at: 3, recovered: false } } }),
        ],
        [
          visitorState({ visitor: 'v2', variant: 'B', day, goals: { purchase: { revenue: 700, at: 4 } } }),
          visitorState({ visitor: 'v3', variant: 'B', day, stages: { cart: { at: 3, recovered: true } }, goals: { purchase: { revenue: 3_000_000_000, at: 5 } } }),
        ],
      ]);
      const expected: CounterRow[] = [
        { variant: 'A', day, counters: { visitors: 1n } },
        {
          variant: 'B',
          day,
          counters: {
            visitors: 2n,
            'conv.purchase': 2n,
            'rev.purchase': 3_000_000_700n,
            // 700² + 3,000,000,000² = 490,000 + 9,000,000,000,000,000,000
            'rev2.purchase': 9_000_000_000_000_490_000n,
            'aband.cart': 1n,
            'recov.cart': 1n,
          },
        },
      ];
      expect(await own.readCounters('hero-offer', 1)).toEqual(expected);

      expect(await own.rebuildCounters()).toEqual({ visitors: 5 });
      expect(await own.readCounters('hero-offer', 1)).toEqual(expected);
      expect(await own.readCounters('hero-offer', 2)).toEqual([{ variant: 'B', day, counters: { visitors: 1n } }]);
      expect(await own.readCounters('other', 1)).toEqual([{ variant: 'A', day, counters: { visitors: 1n } }]);
    });

    it('replaces counters that drifted from the visitor states', async () => {
      const own = await freshStore();
      await writeAndAggregate(own, [[visitorState({ visitor: 'v1', day: '2025-06-15' })]]);
      await own.applyCounterUpdate(update({ experiment: 'hero-offer', records: [{ sequenceNumber: '99999', delta: { visitors: 41n, 'conv.purchase': 3n } }] }));
      await own.rebuildCounters();
      expect(await own.readCounters('hero-offer', 1)).toEqual([{ variant: 'A', day: '2025-06-15', counters: { visitors: 1n } }]);
    });

    it('files a later conversion on the exposure day, and a rebuild reproduces every day row', async () => {
      const own = await freshStore();
      await writeAndAggregate(own, [
        [visitorState({ visitor: 'v1', day: '2025-06-15' }), visitorState({ visitor: 'v2', day: '2025-06-16' })],
        [visitorState({ visitor: 'v1', day: '2025-06-15', goals: { purchase: { revenue: 500, at: 2 } } })],
      ]);
      const incremental = await own.readCounters('hero-offer', 1);
      expect(incremental).toEqual([
        { variant: 'A', day: '2025-06-15', counters: { visitors: 1n, 'conv.purchase': 1n, 'rev.purchase': 500n, 'rev2.purchase': 250_000n } },
        { variant: 'A', day: '2025-06-16', counters: { visitors: 1n } },
      ]);
      await own.rebuildCounters();
      expect(await own.readCounters('hero-offer', 1)).toEqual(incremental);
    });

    it('keeps the variant totals of incremental updates when a visitor converts on a later day', async () => {
      const own = await freshStore();
      await writeAndAggregate(own, [
        [visitorState({ visitor: 'v1', day: '2025-06-15' }), visitorState({ visitor: 'v2', day: '2025-06-15' })],
        [visitorState({ visitor: 'v1', day: '2025-06-15', goals: { purchase: { revenue: 500, at: 2 } } })],
      ]);
      await own.rebuildCounters();
      const totals: Record<string, bigint> = {};
      for (const { counters } of await own.readCounters('hero-offer', 1)) {
        for (const [name, value] of Object.entries(counters)) totals[name] = (totals[name] ?? 0n) + value;
      }
      expect(totals).toEqual({ visitors: 2n, 'conv.purchase': 1n, 'rev.purchase': 500n, 'rev2.purchase': 250_000n });
    });

    it('counts nothing on a table without visitor states', async () => {
      const own = await freshStore();
      await own.createExperiment(experiment('lonely'));
      expect(await own.rebuildCounters()).toEqual({ visitors: 0 });
      expect(await own.readCounters('lonely', 1)).toEqual([]);
    });
  });
});
