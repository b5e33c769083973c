/** A count of successes out of trials (converters of visitors, abandoners of visitors). */
export interface Proportion {
  successes: number;
  trials: number;
}
