/**
 * The API's request and response shapes, imported as types only from the server's domain
 * and use cases, so the dashboard and the API cannot drift apart silently. Nothing here
 * ends up in the bundle.
 */
export type { Experiment, ExperimentStatus, Goal, Costs, Variant, NewExperiment, ExperimentPatch, Phase } from '../../functions/src/domain/experiment.ts';
export type { LifecycleAction } from '../../functions/src/domain/lifecycle.ts';
export type { Role } from '../../functions/src/domain/api-key.ts';
export type { ResultsDocument, VariantResult, CumulativePoint } from '../../functions/src/use-cases/summarize-results.ts';
export type { Decision, DecisionStatus, Interval, SampleRatioMismatch, VsControl } from '../../functions/src/stats/result-summary.ts';
export type { ErrorBody } from '../../functions/src/http/errors.ts';

/** One entry of `details.issues` in a 400 response: a dot path such as `variants.1.weight` and its message. */
export interface ValidationIssue {
  path: string;
  message: string;
}
