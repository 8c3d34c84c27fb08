// Values of rule conditions and actions as the editors hold them (shared by routing rules, triggers, automations).
import type { RuleAction, RuleValue } from '../../../api';

export const LIST_OPERATORS = new Set([
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'changed_to',
  'changed_from',
]);
export const LIST_ACTIONS = new Set(['add_tags', 'notify', 'add_follower']);
export const CUSTOM = '__custom__';

export function asList(value: RuleValue | undefined): string[] {
  if (value === null || value === undefined || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function asScalar(value: RuleValue | undefined): string {
  if (Array.isArray(value)) return value.length ? String(value[0]) : '';
  return value === null || value === undefined ? '' : String(value);
}

/** A value fitting the operator, keeping what the admin typed where possible. */
export function valueForOperator(operator: string, value: RuleValue | undefined): RuleValue {
  if (operator === 'exists') return typeof value === 'boolean' ? value : true;
  if (operator === 'changed') return null;
  if (LIST_OPERATORS.has(operator)) return asList(value);
  return asScalar(value);
}

/** An action's value when its type changes: a list, `true` for a plain escalation, else one value. */
export function valueForAction(type: string, value: RuleAction['value']): RuleAction['value'] {
  if (LIST_ACTIONS.has(type)) return asList(value);
  if (type === 'escalate') return typeof value === 'string' && value.trim() ? value : true;
  return asScalar(value);
}

/** A condition as the API takes it: `changed` carries no value. */
export function cleanCondition<T extends { operator: string; value?: RuleValue }>(condition: T): T {
  if (condition.operator !== 'changed') return condition;
  const { value: _value, ...rest } = condition;
  return rest as T;
}
