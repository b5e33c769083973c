import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, ValidationError } from '../../src/domain/errors.ts';
import { newExperimentSchema, phaseChangeSchema, type Experiment, type ExperimentStatus } from '../../src/domain/experiment.ts';
import { allowedActions, draftExperiment, dropUndefined, transition, type LifecycleAction } from '../../src/domain/lifecycle.ts';

const created = new Date('2025-05-01T08:00:00.000Z');
const launched = new Date('2025-05-02T09:00:00.000Z');
const later = new Date('2025-05-10T10:30:00.000Z');
const latest = new Date('2025-05-20T12:00:00.000Z');

/** Seeds handed out in order, so each test knows which one a transition took. */
function seeds(...values: string[]): () => string {
  const queue = [...values];
  return () => {
    const seed = queue.shift();
    if (seed === undefined) throw new Error('newSeed called more often than expected');
    return seed;
  };
}

const definition = newExperimentSchema.parse({
  key: 'hero-offer',
  name: 'Hero offer',
  variants: [
    { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
    { key: 'B', weight: 0.5, payload: { headline: '10% off your first order' } },
  ],
  coverage: 0.6,
  targeting: [{ attribute: 'device', operator: 'equals', values: ['mobile'] }],
  goals: [{ key: 'purchase', revenue: true }],
  stages: ['cart'],
  costs: { B: { fixed: 500 } },
  margin: 0.4,
  currency: 'EUR',
});

function draft(): Experiment {
  return draftExperiment(definition, created);
}

function running(): Experiment {
  return transition(draft(), 'launch', {}, { now: launched, newSeed: seeds('seed-one') });
}

/** An experiment in a given status, reached through legal transitions. */
function inStatus(status: ExperimentStatus): Experiment {
  const context = { now: later, newSeed: seeds() };
  switch (status) {
    case 'draft':
      return draft();
    case 'running':
      return running();
    case 'paused':
      return transition(running(), 'pause', {}, context);
    case 'stopped':
      return transition(running(), 'stop', {}, context);
    case 'archived':
      return transition(transition(running(), 'stop', {}, context), 'archive', {}, context);
  }
}

const legal: [ExperimentStatus, LifecycleAction, ExperimentStatus][] = [
  ['draft', 'launch', 'running'],
  ['draft', 'archive', 'archived'],
  ['running', 'pause', 'paused'],
  ['running', 'stop', 'stopped'],
  ['running', 'phase', 'running'],
  ['paused', 'resume', 'running'],
  ['paused', 'stop', 'stopped'],
  ['paused', 'phase', 'paused'],
  ['stopped', 'archive', 'archived'],
];

const allowedIn: Record<ExperimentStatus, LifecycleAction[]> = {
  draft: ['launch', 'archive'],
  running: ['pause', 'stop', 'phase'],
  paused: ['resume', 'stop', 'phase'],
  stopped: ['archive'],
  archived: [],
};

const illegal: [ExperimentStatus, LifecycleAction][] = [
  ['draft', 'pause'],
  ['draft', 'resume'],
  ['draft', 'stop'],
  ['draft', 'phase'],
  ['running', 'launch'],
  ['running', 'resume'],
  ['running', 'archive'],
  ['paused', 'launch'],
  ['paused', 'pause'],
  ['paused', 'archive'],
  ['stopped', 'launch'],
  ['stopped', 'pause'],
  ['stopped', 'resume'],
  ['stopped', 'stop'],
  ['stopped', 'phase'],
  ['archived', 'launch'],
  ['archived', 'pause'],
  ['archived', 'resume'],
  ['archived', 'stop'],
  ['archived', 'archive'],
  ['archived', 'phase'],
];

describe('draftExperiment', () => {
  it('starts a draft with no phase, no seed, version 0 and both dates set to now', () => {
    const experiment = draft();
    expect(experiment.status).toBe('draft');
    expect(experiment.phase).toBe(0);
    expect(experiment.seed).toBe('');
    expect(experiment.phases).toEqual([]);
    expect(experiment.version).toBe(0);
    expect(experiment.createdAt).toBe('2025-05-01T08:00:00.000Z');
    expect(experiment.updatedAt).toBe('2025-05-01T08:00:00.000Z');
    expect(experiment.key).toBe('hero-offer');
  });
});

describe('allowedActions', () => {
  it.each(Object.entries(allowedIn))('lists what a %s experiment allows', (status, actions) => {
    expect(allowedActions(status as ExperimentStatus)).toEqual(actions);
  });
});

describe('transition', () => {
  it.each(legal)('takes a %s experiment through %s to %s', (from, action, to) => {
    const before = inStatus(from);
    expect(before.status).toBe(from);
    const after = transition(before, action, {}, { now: latest, newSeed: seeds('seed-next') });
    expect(after.status).toBe(to);
    expect(after.updatedAt).toBe('2025-05-20T12:00:00.000Z');
    expect(after.createdAt).toBe('2025-05-01T08:00:00.000Z');
  });

  it.each(illegal)('refuses to take a %s experiment through %s, naming the allowed actions', (from, action) => {
    const before = inStatus(from);
    let thrown: unknown;
    try {
      transition(before, action, {}, { now: latest, newSeed: seeds('unused') });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    const error = thrown as IllegalTransitionError;
    expect(error.code).toBe('illegal_transition');
    expect(error.details).toEqual({ status: from, action, allowed: allowedIn[from] });
    expect(error.message).toContain(`Cannot ${action} an experiment that is ${from}.`);
  });

  it('writes the allowed actions into the message', () => {
    expect(() => transition(inStatus('paused'), 'launch', {}, { now: latest, newSeed: seeds() })).toThrow(
      'Cannot launch an experiment that is paused. Allowed: resume, stop, phase.',
    );
  });

  it('says nothing is allowed on an archived experiment', () => {
    expect(() => transition(inStatus('archived'), 'resume', {}, { now: latest, newSeed: seeds() })).toThrow(
      /^Cannot resume an experiment that is archived\.$/,
    );
  });

  it('does not change the experiment it refuses', () => {
    const before = inStatus('stopped');
    const copy = structuredClone(before);
    expect(() => transition(before, 'resume', {}, { now: latest, newSeed: seeds() })).toThrow(IllegalTransitionError);
    expect(before).toEqual(copy);
  });

  describe('launch', () => {
    it('starts phase 1 with a seed from newSeed and opens its phase record', () => {
      const experiment = running();
      expect(experiment.status).toBe('running');
      expect(experiment.phase).toBe(1);
      expect(experiment.seed).toBe('seed-one');
      expect(experiment.phases).toEqual([
        {
          phase: 1,
          seed: 'seed-one',
          startedAt: '2025-05-02T09:00:00.000Z',
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5 },
          ],
          coverage: 0.6,
        },
      ]);
      expect(experiment.updatedAt).toBe('2025-05-02T09:00:00.000Z');
    });

    it('keeps the definition and the version', () => {
      const experiment = running();
      expect(experiment.variants).toEqual(definition.variants);
      expect(experiment.goals).toEqual(definition.goals);
      expect(experiment.costs).toEqual(definition.costs);
      expect(experiment.version).toBe(0);
    });

    it('asks for exactly one seed', () => {
      let calls = 0;
      transition(draft(), 'launch', {}, { now: launched, newSeed: () => `seed-${++calls}` });
      expect(calls).toBe(1);
    });
  });

  describe('pause and resume', () => {
    it('keep phase, seed and phase records', () => {
      const started = running();
      const paused = transition(started, 'pause', {}, { now: later, newSeed: seeds() });
      const resumed = transition(paused, 'resume', {}, { now: latest, newSeed: seeds() });
      for (const experiment of [paused, resumed]) {
        expect(experiment.phase).toBe(1);
        expect(experiment.seed).toBe('seed-one');
        expect(experiment.phases).toEqual(started.phases);
      }
      expect(resumed.status).toBe('running');
    });
  });

  describe('phase', () => {
    it('bumps the phase, takes a new seed and closes the previous phase record', () => {
      const next = transition(running(), 'phase', {}, { now: later, newSeed: seeds('seed-two') });
      expect(next.phase).toBe(2);
      expect(next.seed).toBe('seed-two');
      expect(next.phases).toEqual([
        {
          phase: 1,
          seed: 'seed-one',
          startedAt: '2025-05-02T09:00:00.000Z',
          endedAt: '2025-05-10T10:30:00.000Z',
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5 },
          ],
          coverage: 0.6,
        },
        {
          phase: 2,
          seed: 'seed-two',
          startedAt: '2025-05-10T10:30:00.000Z',
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5 },
          ],
          coverage: 0.6,
        },
      ]);
    });

    it('applies changed weights and coverage to the experiment and to the new phase record', () => {
      const next = transition(
        running(),
        'phase',
        {
          variants: [
            { key: 'A', weight: 0.3, control: true, payload: { headline: 'Save today' } },
            { key: 'B', weight: 0.7, control: false, payload: { headline: '10% off your first order' } },
          ],
          coverage: 0.9,
        },
        { now: later, newSeed: seeds('seed-two') },
      );
      expect(next.variants.map((variant) => [variant.key, variant.weight])).toEqual([
        ['A', 0.3],
        ['B', 0.7],
      ]);
      expect(next.coverage).toBe(0.9);
      expect(next.phases[1]).toEqual({
        phase: 2,
        seed: 'seed-two',
        startedAt: '2025-05-10T10:30:00.000Z',
        variants: [
          { key: 'A', weight: 0.3 },
          { key: 'B', weight: 0.7 },
        ],
        coverage: 0.9,
      });
      expect(next.phases[0]!.variants).toEqual([
        { key: 'A', weight: 0.5 },
        { key: 'B', weight: 0.5 },
      ]);
      expect(next.phases[0]!.coverage).toBe(0.6);
    });

    it('keeps the fields the change does not name', () => {
      const next = transition(running(), 'phase', { coverage: 0.2 }, { now: later, newSeed: seeds('seed-two') });
      expect(next.variants).toEqual(definition.variants);
      expect(next.targeting).toEqual(definition.targeting);
      expect(next.goals).toEqual(definition.goals);
      expect(next.costs).toEqual(definition.costs);
      expect(next.margin).toBe(0.4);
      expect(next.key).toBe('hero-offer');
      expect(next.createdAt).toBe('2025-05-01T08:00:00.000Z');
      expect(next.version).toBe(0);
    });

    it('keeps coverage and targeting when a phase change parsed from a request names only new weights', () => {
      const change = phaseChangeSchema.parse({
        variants: [
          { key: 'A', weight: 0.2, control: true },
          { key: 'B', weight: 0.8 },
        ],
      });
      const next = transition(running(), 'phase', change, { now: later, newSeed: seeds('seed-two') });
      expect(next.variants.map((variant) => variant.weight)).toEqual([0.2, 0.8]);
      expect(next.coverage).toBe(0.6);
      expect(next.targeting).toEqual([{ attribute: 'device', operator: 'equals', values: ['mobile'] }]);
    });

    it('keeps coverage and targeting when a phase change parsed from an empty request body only re-randomizes', () => {
      const next = transition(running(), 'phase', phaseChangeSchema.parse({}), { now: later, newSeed: seeds('seed-two') });
      expect(next.coverage).toBe(0.6);
      expect(next.targeting).toEqual([{ attribute: 'device', operator: 'equals', values: ['mobile'] }]);
    });

    it('ignores change fields that are undefined', () => {
      const next = transition(running(), 'phase', { variants: undefined, coverage: undefined }, { now: later, newSeed: seeds('seed-two') });
      expect(next.variants).toEqual(definition.variants);
      expect(next.coverage).toBe(0.6);
    });

    it('makes the first variant the control when the new variants flag none', () => {
      const next = transition(
        running(),
        'phase',
        {
          variants: [
            { key: 'A', weight: 0.5, control: false, payload: {} },
            { key: 'B', weight: 0.5, control: false, payload: {} },
          ],
        },
        { now: later, newSeed: seeds('seed-two') },
      );
      expect(next.variants.map((variant) => variant.control)).toEqual([true, false]);
    });

    it('refuses weights that do not add up to 1 with a ValidationError naming the problem', () => {
      const change = {
        variants: [
          { key: 'A', weight: 0.5, control: true, payload: {} },
          { key: 'B', weight: 0.6, control: false, payload: {} },
        ],
      };
      expect(() => transition(running(), 'phase', change, { now: later, newSeed: seeds('seed-two') })).toThrow(ValidationError);
      expect(() => transition(running(), 'phase', change, { now: later, newSeed: seeds('seed-two') })).toThrow(
        'Invalid experiment: variants: Variant weights must add up to 1 (they add up to 1.1).',
      );
    });

    it('refuses a coverage above 1 with a ValidationError', () => {
      expect(() => transition(running(), 'phase', { coverage: 1.5 }, { now: later, newSeed: seeds('seed-two') })).toThrow(ValidationError);
    });

    it('refuses new variants that drop a variant named in the costs', () => {
      const change = {
        variants: [
          { key: 'A', weight: 0.5, control: true, payload: {} },
          { key: 'C', weight: 0.5, control: false, payload: {} },
        ],
      };
      let thrown: unknown;
      try {
        transition(running(), 'phase', change, { now: later, newSeed: seeds('seed-two') });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).details).toEqual({
        issues: [{ path: 'costs.B', message: 'Costs name variant "B", which the experiment does not have.' }],
      });
    });

    it('keeps a running experiment running', () => {
      expect(transition(running(), 'phase', {}, { now: later, newSeed: seeds('seed-two') }).status).toBe('running');
    });

    it('keeps a paused experiment paused', () => {
      const paused = transition(running(), 'pause', {}, { now: later, newSeed: seeds() });
      const next = transition(paused, 'phase', { coverage: 1 }, { now: latest, newSeed: seeds('seed-two') });
      expect(next.status).toBe('paused');
      expect(next.phase).toBe(2);
      expect(next.coverage).toBe(1);
    });

    it('closes only the open phase record on the third phase', () => {
      const second = transition(running(), 'phase', {}, { now: later, newSeed: seeds('seed-two') });
      const third = transition(second, 'phase', {}, { now: latest, newSeed: seeds('seed-three') });
      expect(third.phase).toBe(3);
      expect(third.seed).toBe('seed-three');
      expect(third.phases.map((phase) => [phase.phase, phase.seed, phase.startedAt, phase.endedAt])).toEqual([
        [1, 'seed-one', '2025-05-02T09:00:00.000Z', '2025-05-10T10:30:00.000Z'],
        [2, 'seed-two', '2025-05-10T10:30:00.000Z', '2025-05-20T12:00:00.000Z'],
        [3, 'seed-three', '2025-05-20T12:00:00.000Z', undefined],
      ]);
    });

    it('does not change the experiment it starts from', () => {
      const before = running();
      const copy = structuredClone(before);
      transition(before, 'phase', { coverage: 0.1 }, { now: later, newSeed: seeds('seed-two') });
      expect(before).toEqual(copy);
    });
  });

  describe('stop', () => {
    it('closes the open phase record and keeps phase and seed', () => {
      const stopped = transition(running(), 'stop', {}, { now: later, newSeed: seeds() });
      expect(stopped.status).toBe('stopped');
      expect(stopped.phase).toBe(1);
      expect(stopped.seed).toBe('seed-one');
      expect(stopped.phases).toEqual([
        {
          phase: 1,
          seed: 'seed-one',
          startedAt: '2025-05-02T09:00:00.000Z',
          endedAt: '2025-05-10T10:30:00.000Z',
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5 },
          ],
          coverage: 0.6,
        },
      ]);
    });

    it('closes the open phase of a paused experiment', () => {
      const paused = transition(running(), 'pause', {}, { now: later, newSeed: seeds() });
      const stopped = transition(paused, 'stop', {}, { now: latest, newSeed: seeds() });
      expect(stopped.phases[0]!.endedAt).toBe('2025-05-20T12:00:00.000Z');
    });

    it('leaves an already closed phase record as it was', () => {
      const second = transition(running(), 'phase', {}, { now: later, newSeed: seeds('seed-two') });
      const stopped = transition(second, 'stop', {}, { now: latest, newSeed: seeds() });
      expect(stopped.phases.map((phase) => phase.endedAt)).toEqual(['2025-05-10T10:30:00.000Z', '2025-05-20T12:00:00.000Z']);
    });
  });

  describe('archive', () => {
    it('archives a draft that never launched without opening a phase', () => {
      const archived = transition(draft(), 'archive', {}, { now: later, newSeed: seeds() });
      expect(archived.status).toBe('archived');
      expect(archived.phase).toBe(0);
      expect(archived.phases).toEqual([]);
    });

    it('keeps the closed phase records of a stopped experiment', () => {
      const stopped = transition(running(), 'stop', {}, { now: later, newSeed: seeds() });
      const archived = transition(stopped, 'archive', {}, { now: latest, newSeed: seeds() });
      expect(archived.phases).toEqual(stopped.phases);
      expect(archived.phases[0]!.endedAt).toBe('2025-05-10T10:30:00.000Z');
    });
  });
});

describe('dropUndefined', () => {
  it('leaves out undefined values and keeps null, zero, false and empty values', () => {
    expect(dropUndefined({ a: undefined, b: null, c: 0, d: false, e: '', f: [] })).toEqual({ b: null, c: 0, d: false, e: '', f: [] });
    expect(Object.keys(dropUndefined({ a: undefined, b: 1 }))).toEqual(['b']);
  });
});
