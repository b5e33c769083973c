/**
 * Upshot assignment, hash version 1: the specification every implementation follows
 * (this SDK in the browser and in Lambda, and any other language). The vectors in
 * `sdk/test/cases.json` come from an independent Python implementation of this text
 * (`sdk/scripts/make-cases.py`); a new implementation passes them all.
 *
 * hash(input) -> uint32
 *   32-bit FNV-1a over the UTF-16 code units of `input` (not UTF-8 bytes, not code
 *   points: an astral character such as an emoji is two units, its surrogate pair; each
 *   unit is one 16-bit step): h = 0x811c9dc5; for each unit u: h = (h XOR u) * 0x01000193
 *   mod 2^32. Then the murmur3 fmix32 finalizer, all mod 2^32:
 *   h ^= h >>> 16; h *= 0x85ebca6b; h ^= h >>> 13; h *= 0xc2b2ae35; h ^= h >>> 16.
 *   The result is unsigned.
 *
 * bucket(input) = hash(input) mod 10000. (2^32 mod 10000 = 7296, so the buckets below
 *   7296 are one part in 430,000 likelier: negligible, and part of the contract.)
 *
 * round(x) is round-half-up, JavaScript's Math.round: floor(x) + 1 when
 *   x - floor(x) >= 0.5, else floor(x). (Not banker's rounding, not half-away-from-zero.)
 *
 * Validity. assign, chooseVariant and isIncluded answer null (or false) unless:
 *   the visitor id is a non-empty string; the config is an object with
 *   hashVersion === 1 and a string seed (the empty string is a valid seed);
 *   coverage is a number with 0 <= coverage <= 1 (checked by inclusion only);
 *   variants is a non-empty array of objects, each with a non-empty string `key` and a
 *   finite number `weight` >= 0, and the weights, added left to right in IEEE-754
 *   doubles, give a total with round(total * 10000) === 10000 (checked by variant choice).
 *   Booleans are not numbers, numeric strings are not numbers.
 *
 * Inclusion (coverage): included iff
 *   bucket(seed + ":inc:" + visitorId) < round(coverage * 10000).
 *   Coverage 1 includes everyone, 0 no one.
 *
 * Variant choice (independent of inclusion, so raising coverage never moves anyone):
 *   b = bucket(seed + ":var:" + visitorId); walk the variants in order keeping the
 *   running total of their weights (left-to-right double addition); a variant's boundary
 *   is round(runningTotal * 10000), the last variant's boundary is 10000; the answer is
 *   the first variant whose boundary > b. A variant of weight 0 is never chosen.
 *
 * Targeting: see targeting.ts. A missing or null `targeting` means no rules.
 *
 * assign = targeting matches AND included ? variant choice : null.
 */

/** The version of the bucketing algorithm above; configs carry it in `hashVersion`. */
export const HASH_VERSION = 1;

/** Every visitor falls in one of this many buckets. */
export const BUCKETS = 10_000;

/** The FNV-1a 32-bit offset basis: the state before any input. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;

/** The FNV 32-bit prime: one step is `state = Math.imul(state ^ codeUnit, FNV_PRIME)`. */
export const FNV_PRIME = 0x01000193;

/**
 * Folds the UTF-16 code units of `input` into a running FNV-1a state, so that callers
 * can hash `seed + salt + visitorId` piece by piece without building the string.
 * The returned state is a signed 32-bit integer; pass it to `fmix32` to finish.
 */
export function fnv1a(state: number, input: string): number {
  let h = state;
  for (let i = 0; i < input.length; i++) {
    h = Math.imul(h ^ input.charCodeAt(i), FNV_PRIME);
  }
  return h;
}

/** The murmur3 32-bit finalizer; spreads every input bit over the output. Returns uint32. */
export function fmix32(state: number): number {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash version 1 of `input`: FNV-1a over UTF-16 code units, then fmix32; unsigned 32-bit. */
export function hash(input: string): number {
  return fmix32(fnv1a(FNV_OFFSET_BASIS, input));
}

/** The bucket of `input`, 0..9999: hash(input) mod 10000. */
export function bucket(input: string): number {
  return hash(input) % BUCKETS;
}
