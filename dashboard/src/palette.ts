/**
 * Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008), in the order
 * variants get them: the control blue, the first challenger orange. Charts also vary the
 * line dash and the tables name every variant, so colour is never the only cue.
 */
export const variantColors = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'] as const;

export const variantDashes: number[][] = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [12, 6], [1, 2], [6, 2]];

export function variantColor(index: number): string {
  return variantColors[((index % variantColors.length) + variantColors.length) % variantColors.length]!;
}

/**
 * A variant's place in the palette: its place in the experiment's definition, so a variant keeps
 * its colour on every chart and table; a variant no longer defined takes its place in the results.
 */
export function variantColorIndex(experiment: { variants: { key: string }[] } | undefined, key: string, position: number): number {
  const index = experiment?.variants.findIndex((variant) => variant.key === key) ?? -1;
  return index >= 0 ? index : position;
}

/** The colour with an alpha channel, for interval bands. */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}
