import { describe, expect, it } from 'vitest';
import { translate, translatePlural } from '../src/i18n.tsx';
import { de } from '../src/messages/de.ts';
import { en } from '../src/messages/en.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the message catalogues', () => {
  it('give German a text for every English key, with the same placeholders and plural forms', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
      expect(de[key].split('|').length, key).toBe(en[key].split('|').length);
      expect(de[key].trim(), key).not.toBe('');
    }
  });
});

describe('translate', () => {
  it('fills placeholders and formats numbers for the locale', () => {
    expect(translate('en', 'decision.needs', { visitors: 12400, when: '', mde: '10%' })).toBe('About 12,400 more visitors are needed to detect a 10% change.');
    expect(translate('de', 'decision.needs', { visitors: 12400, when: '', mde: '10 %' })).toBe('Etwa 12.400 weitere Besucher sind nötig, um eine Änderung um 10 % zu erkennen.');
  });
});

describe('translatePlural', () => {
  it('picks the singular or plural form by the locale rules', () => {
    expect(translatePlural('en', 'unit.days', 1)).toBe('1 day');
    expect(translatePlural('en', 'unit.days', 0)).toBe('0 days');
    expect(translatePlural('de', 'unit.days', 1)).toBe('1 Tag');
    expect(translatePlural('de', 'unit.days', 1500)).toBe('1.500 Tage');
  });
});
