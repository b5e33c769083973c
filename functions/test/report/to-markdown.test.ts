import { describe, expect, it } from 'vitest';
import { escapeMarkdown, formatProbability, formatPValue, formatRate, toMarkdown } from '../../src/report/index.ts';
import { reportFixture } from './fixture.ts';

function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.slice(2, -2).split(' | '));
}

describe('toMarkdown', () => {
  it('opens with a title, the decision and the sample ratio line', () => {
    const lines = toMarkdown({ ...reportFixture(), phase: 3 }).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '# hero-offer: purchase, phase 3',
      '',
      '**Decision: winner.** Variant "B" converts 22% better than the control.',
      '',
      'Sample ratio: p = 1, the split matches the weights.',
    ]);
  });

  it('leaves the phase out of the title when the summary has none', () => {
    expect(toMarkdown(reportFixture()).split('\n')[0]).toBe('# hero-offer: purchase');
  });

  it('tabulates every variant with rates, intervals, p-values, chance and money', () => {
    const [header, alignment, control, variant] = tableRows(toMarkdown(reportFixture()));
    expect(header).toEqual([
      'Variant',
      'Visitors',
      'Conversions',
      'Conversion rate (95% CI)',
      'Lift vs control (95% CI)',
      'p-value',
      'Sequential p (adjusted)',
      'Chance to beat control',
      'Revenue per visitor',
      'Revenue per visitor vs control (95% CI)',
      'ROMI',
    ]);
    expect(alignment).toEqual(['---', '---:', '---:', '---', '---', '---:', '---:', '---:', '---:', '---', '---:']);
    expect(control).toEqual(['A (control)', '12,000', '540', '4.50% (4.14% to 4.89%)', '—', '—', '—', '—', '€2.79', '—', '—']);
    expect(variant).toEqual([
      'B',
      '12,000',
      '660',
      '5.50% (5.11% to 5.92%)',
      '+22.2% (8.67% to 35.8%)',
      '0.00038',
      '0.034',
      '99.98%',
      '€3.19',
      '€0.40 (€0.03 to €0.77)',
      '+171%',
    ]);
  });

  it('labels intervals with the summary level', () => {
    const markdown = toMarkdown({ ...reportFixture(), settings: { alpha: 0.1, currency: null } });
    expect(markdown).toContain('Conversion rate (90% CI)');
    expect(tableRows(markdown)[2]?.[8]).toBe('2.79');
  });

  it('reports a sample ratio mismatch in bold, and a split too thin to check', () => {
    const mismatch = { ...reportFixture(), srm: { status: 'ok' as const, chiSquare: 40, degreesOfFreedom: 1, pValue: 2.5e-10, mismatch: true } };
    expect(toMarkdown(mismatch)).toContain('**Sample ratio mismatch** (p < 0.0001): visitors are not split the way the weights say.');
    const thin = { ...reportFixture(), srm: { status: 'insufficient_data' as const, chiSquare: null, degreesOfFreedom: null, pValue: null, mismatch: false } };
    expect(toMarkdown(thin)).toContain('Sample ratio: not enough visitors to check the split yet.');
  });

  it('escapes variant keys so they cannot break the table or add markup', () => {
    const summary = reportFixture();
    summary.variants[1]!.key = 'B|*new*\nline';
    expect(tableRows(toMarkdown(summary))[3]?.[0]).toBe('B\\|\\*new\\* line');
  });
});

describe('report number formats', () => {
  it('shows rates with enough digits to keep an interval apart', () => {
    expect(formatRate(0.12)).toBe('12.0%');
    expect(formatRate(0.045)).toBe('4.50%');
    expect(formatRate(0.00123)).toBe('0.12%');
    expect(formatRate(-0.0833)).toBe('-8.33%');
    expect(formatRate(0)).toBe('0%');
  });

  it('shows p-values to two significant digits and tiny ones as a bound', () => {
    expect(formatPValue(0.04567)).toBe('0.046');
    expect(formatPValue(1)).toBe('1');
    expect(formatPValue(0.00001)).toBe('< 0.0001');
    expect(formatPValue(null)).toBe('—');
  });

  it('spells out probabilities near 0 and 1', () => {
    expect(formatProbability(0.99999)).toBe('> 99.99%');
    expect(formatProbability(0.99981)).toBe('99.98%');
    expect(formatProbability(0.7189)).toBe('71.9%');
    expect(formatProbability(0.00005)).toBe('< 0.01%');
  });

  it('escapes Markdown markup and keeps text on one line', () => {
    expect(escapeMarkdown('a_b*c|d\r\ne')).toBe('a\\_b\\*c\\|d e');
  });
});
