import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOf } from './synth.ts';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
function globMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

/** The statements of every policy attached to a role (by its logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const roles = list(policy.Properties?.['Roles'] as { Ref: string }[]);
    if (!roles.some((role) => role.Ref === roleLogicalId)) continue;
    statements.push(...((policy.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement ?? []));
  }
  return statements;
}

/** Whether a resource reference is the table (an import of the Data stack's table ARN), not its stream. */
export function isTableArn(resource: unknown): boolean {
  const text = JSON.stringify(resource);
  return /TableCD117FA1Arn/.test(text) && !/StreamArn/.test(text);
}

/**
 * A small evaluator of identity policies for one request on the table: allowed when an Allow
 * statement names the action (wildcards included) on the table and its conditions hold. Only the
 * condition this app uses is understood; any other condition makes the statement not apply.
 */
export function allows(statements: Statement[], action: string, leadingKey: string | undefined): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    if (!list(statement.Action).some((pattern) => globMatch(pattern, action))) return false;
    if (!list(statement.Resource).some((resource) => resource === '*' || isTableArn(resource))) return false;
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      for (const [key, value] of Object.entries(keys)) {
        if (operator !== 'ForAllValues:StringLike' || key !== 'dynamodb:LeadingKeys') return false;
        // ForAllValues holds vacuously for a request without leading keys (a Scan): that is how IAM evaluates it.
        if (leadingKey !== undefined && !list(value).some((pattern) => globMatch(pattern, leadingKey))) return false;
      }
    }
    return true;
  });
}

/** "Action partition" pairs a role is granted on the table, e.g. `PutItem VIS#*`, from the template. */
export function tableGrants(statements: Statement[]): string[] {
  const grants = new Set<string>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' || !list(statement.Resource).some(isTableArn)) continue;
    const partitions = list(statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
    for (const action of list(statement.Action)) {
      for (const partition of partitions.length ? partitions : ['<any>']) grants.add(`${action.replace('dynamodb:', '')} ${partition}`);
    }
  }
  return [...grants].sort();
}
