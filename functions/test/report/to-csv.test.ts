import { describe, expect, it } from 'vitest';
import { csvCell, csvColumns, toCsv } from '../../src/report/index.ts';
import { reportFixture } from './fixture.ts';

const EXPECTED_COLUMNS = [
  'experiment', 'phase', 'goal', 'variant', 'control', 'visitors', 'conversions',
  'conversionRate', 'conversionRateLower', 'conversionRateUpper',
  'absoluteLift', 'absoluteLiftLower', 'absoluteLiftUpper',
  'relativeLift', 'relativeLiftLower', 'relativeLiftUpper',
  'pValue', 'adjustedPValue', 'sequentialPValue', 'adjustedSequentialPValue',
  'chanceToBeatControl', 'expectedLoss',
  'revenuePerVisitor', 'revenuePerVisitorDiff', 'revenuePerVisitorDiffLower', 'revenuePerVisitorDiffUpper', 'revenuePValue',
  'romi', 'incrementalNetProfitPerVisitor', 'incrementalNetProfitPerVisitorLower', 'incrementalNetProfitPerVisitorUpper',
  'probabilityProfitable',
];

/** Splits one CSV record by RFC 4180 (quoted fields may hold commas, quotes and line breaks). */
function parseRecord(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      cells.push(cell);
      cell = '';
    } else cell += character;
  }
  cells.push(cell);
  return cells;
}

describe('csvCell', () => {
  it('leaves plain text and numbers as they are', () => {
    expect(csvCell('hero-offer')).toBe('hero-offer');
    expect(csvCell(0.045)).toBe('0.045');
    expect(csvCell(-0.31)).toBe('-0.31');
    expect(csvCell(1.3e-7)).toBe('1.3e-7');
    expect(csvCell(true)).toBe('true');
  });

  it('writes an empty cell for null and undefined', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes a cell holding a comma, a quote or a line break, doubling quotes (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r\nlf')).toBe('"cr\r\nlf"');
  });

  it('neutralizes text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});

describe('toCsv', () => {
  it('starts with the header of key figures and ends every record with CRLF', () => {
    const text = toCsv(reportFixture());
    expect(csvColumns).toEqual(EXPECTED_COLUMNS);
    expect(text.split('\r\n')[0]).toBe(EXPECTED_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes one row per variant with each figure under its column', () => {
    const [, control, variant] = toCsv(reportFixture()).split('\r\n').map(parseRecord);
    const b = Object.fromEntries(EXPECTED_COLUMNS.map((name, index) => [name, variant![index]]));
    expect(b).toMatchObject({
      experiment: 'hero-offer',
      phase: '',
      goal: 'purchase',
      variant: 'B',
      control: 'false',
      visitors: '12000',
      conversions: '660',
      conversionRate: '0.055',
      conversionRateLower: '0.0511',
      conversionRateUpper: '0.0592',
      absoluteLift: '0.01',
      absoluteLiftLower: '0.0045',
      absoluteLiftUpper: '0.0155',
      relativeLift: '0.2222',
      relativeLiftLower: '0.0867',
      relativeLiftUpper: '0.3577',
      pValue: '0.00038',
      adjustedPValue: '0.00076',
      sequentialPValue: '0.0168',
      adjustedSequentialPValue: '0.0336',
      chanceToBeatControl: '0.99981',
      expectedLoss: '1.3e-7',
      revenuePerVisitor: '3.19',
      revenuePerVisitorDiff: '0.4',
      revenuePerVisitorDiffLower: '0.0317',
      revenuePerVisitorDiffUpper: '0.7683',
      revenuePValue: '0.0333',
      romi: '1.711',
      incrementalNetProfitPerVisitor: '-0.31',
      incrementalNetProfitPerVisitorLower: '-0.436',
      incrementalNetProfitPerVisitorUpper: '-0.185',
      probabilityProfitable: '6e-7',
    });
    expect(control).toEqual(['hero-offer', '', 'purchase', 'A', 'true', '12000', '540', '0.045', '0.0414', '0.0489', ...Array(12).fill(''), '2.79', ...Array(9).fill('')]);
  });

  it('leaves a cell empty where the statistic is null', () => {
    const summary = reportFixture();
    const b = summary.variants[1]!;
    b.vsControl = { ...b.vsControl!, relativeLift: null, relativeLiftCI: null, pValue: null };
    const cells = parseRecord(toCsv(summary).split('\r\n')[2]!);
    expect(cells[EXPECTED_COLUMNS.indexOf('relativeLift')]).toBe('');
    expect(cells[EXPECTED_COLUMNS.indexOf('relativeLiftLower')]).toBe('');
    expect(cells[EXPECTED_COLUMNS.indexOf('pValue')]).toBe('');
    expect(cells[EXPECTED_COLUMNS.indexOf('adjustedPValue')]).toBe('0.00076');
  });

  it('quotes names with commas and quotes and fills the phase when there is one', () => {
    const summary = { ...reportFixture(), experiment: 'Hero, "big" offer', phase: 2 };
    const lines = toCsv(summary).split('\r\n');
    expect(lines[1]!.startsWith('"Hero, ""big"" offer",2,purchase,A,')).toBe(true);
    expect(parseRecord(lines[1]!).slice(0, 3)).toEqual(['Hero, "big" offer', '2', 'purchase']);
  });
});
