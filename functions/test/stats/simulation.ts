/** Seeded random numbers for the simulation tests (no Math.random: runs must repeat). */

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): uniform in [0, 1). */
export function seededUniform(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Binomial(n, p) as a sum of n Bernoulli draws: slow-ish (O(n)) but exact and obviously right. */
export function binomial(uniform: () => number, trials: number, probability: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (uniform() < probability) successes += 1;
  return successes;
}
