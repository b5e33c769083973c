/**
 * Holm–Bonferroni step-down adjustment: sort the m p-values ascending, multiply the k-th
 * smallest (k = 1…m) by m − k + 1, take the running maximum and cap at 1. Controls the
 * family-wise error rate at alpha for any dependence. Null p-values (tests that could
 * not be run) are passed through as null and do not count towards m.
 * Reference: Holm (1979), Scand. J. Statist. 6:65; statsmodels `multipletests(method='holm')`.
 */
export function holmBonferroni(pValues: ReadonlyArray<number | null>): Array<number | null> {
  const order = pValues
    .map((pValue, index) => ({ pValue, index }))
    .filter((entry): entry is { pValue: number; index: number } => entry.pValue !== null)
    .sort((left, right) => left.pValue - right.pValue);
  const adjusted: Array<number | null> = pValues.map(() => null);
  let runningMaximum = 0;
  order.forEach(({ pValue, index }, rank) => {
    runningMaximum = Math.max(runningMaximum, Math.min(1, (order.length - rank) * pValue));
    adjusted[index] = runningMaximum;
  });
  return adjusted;
}
