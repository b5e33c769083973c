import type { NewExperiment } from '../domain/index.ts';
import { newExperimentSchema } from '../domain/index.ts';

/** The demo offer test seeded on first start: which presentation of a first-order discount sells more. */
export const demoExperiment: NewExperiment = newExperimentSchema.parse({
  key: 'hero-offer',
  name: 'Hero offer: savings headline vs. percentage discount',
  hypothesis: 'Stating the discount as a percentage with a badge makes more first-time visitors buy, and pays back the discount.',
  variants: [
    {
      key: 'A',
      name: 'Save today',
      weight: 0.5,
      control: true,
      payload: { headline: 'Save today', subline: 'Premium coffee beans, roasted this week', priceText: '€24.90', badge: null, cta: 'Buy now' },
    },
    {
      key: 'B',
      name: '10% off first order',
      weight: 0.5,
      payload: { headline: '10% off your first order', subline: 'Premium coffee beans, roasted this week', priceText: '€22.41 instead of €24.90', badge: '-10%', cta: 'Claim my 10%' },
    },
  ],
  coverage: 1,
  goals: [{ key: 'purchase', primary: true, revenue: true }],
  stages: ['cart', 'checkout'],
  costs: { B: { fixed: 0, perVisitor: 0, perConversion: 2.49, revenueShare: 0 } },
  margin: 0.4,
  currency: 'EUR',
});
