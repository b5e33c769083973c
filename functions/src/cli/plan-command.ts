import { parseArgs } from 'node:util';
import { formatPercent, planSampleSize, sequentialSampleSize } from '../stats/index.ts';
import { UsageError } from './cli-error.ts';
import type { Io } from './io.ts';
import { formatOption, numberOption } from './options.ts';
import { planUsage } from './usage.ts';

const between0and1 = (value: number) => value > 0 && value < 1;
const whole = (value: number) => value.toLocaleString('en');

/** `upshot plan`: the sample size of stats/sample-size.ts, as a sentence or as JSON. */
export async function planCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      baseline: { type: 'string' },
      mde: { type: 'string' },
      alpha: { type: 'string' },
      power: { type: 'string' },
      'visitors-per-day': { type: 'string' },
      variants: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(planUsage);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`plan takes no arguments besides options; got "${positionals[0]}".`, planUsage);
  const baseline = numberOption('baseline', values.baseline, between0and1, 'a conversion rate between 0 and 1, e.g. 0.05');
  const mde = numberOption('mde', values.mde, (value) => value !== 0 && value > -1, 'a relative change such as 0.1 for +10%');
  if (baseline === undefined || mde === undefined) throw new UsageError('plan needs --baseline and --mde.', planUsage);
  const alpha = numberOption('alpha', values.alpha, between0and1, 'between 0 and 1') ?? 0.05;
  const power = numberOption('power', values.power, between0and1, 'between 0 and 1') ?? 0.8;
  const visitorsPerDay = numberOption('visitors-per-day', values['visitors-per-day'], (value) => value > 0, 'a positive number');
  const variants = numberOption('variants', values.variants, (value) => Number.isInteger(value) && value >= 2 && value <= 100, 'a whole number from 2 to 100') ?? 2;
  const format = formatOption(values.format, ['text', 'json'] as const, 'text');
  if (!(baseline * (1 + mde) < 1)) throw new UsageError(`--baseline × (1 + --mde) must stay below 1; it is ${baseline * (1 + mde)}.`);

  const plan = planSampleSize({ baseline, mde, alpha, power, visitorsPerDay, variants });
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(plan)}\n`);
    return;
  }
  const target = baseline * (1 + mde);
  const lines = [
    `To detect a ${formatPercent(Math.abs(mde))} relative ${mde > 0 ? 'lift' : 'drop'} from a ${formatPercent(baseline)} baseline ` +
      `(${formatPercent(baseline)} → ${formatPercent(target)}) with ${formatPercent(power)} power at alpha = ${alpha} (two-sided), ` +
      `you need ${whole(plan.visitorsPerVariant)} visitors per variant, ${whole(plan.visitorsPerVariant * variants)} in all.`,
  ];
  if (plan.days !== undefined) lines.push(`At ${whole(visitorsPerDay!)} visitors per day that takes ${whole(plan.days)} days.`);
  const comparisons = variants - 1;
  const sequential = sequentialSampleSize({ baseline, mde, alpha: alpha / comparisons, power });
  if (sequential !== null) {
    lines.push(
      `Upshot's decisions use a peeking-safe sequential test, which may need up to ${whole(sequential)} visitors per variant` +
        `${comparisons > 1 ? ` (alpha split over ${comparisons} comparisons)` : ''} for the same power` +
        `${visitorsPerDay === undefined ? '' : `, about ${whole(Math.ceil((sequential * variants) / visitorsPerDay))} days`}; it can also stop earlier.`,
    );
  }
  lines.push('', `visitorsPerVariant: ${plan.visitorsPerVariant}`);
  if (plan.days !== undefined) lines.push(`days: ${plan.days}`);
  io.stdout.write(`${lines.join('\n')}\n`);
}
