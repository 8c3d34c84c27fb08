// The triggers as the editor holds them, and back into the one rule set (the routing rules unchanged).
import type { Rule, RuleEvent, RuleSet } from '../../../api';
import { cleanCondition } from '../ruleParts/values';
import { isRouting } from '../ruleParts/ruleSets';

export type TriggerDraft = Rule & { key: string; event: Exclude<RuleEvent, 'created'> };

let nextKey = 0;

export function withKey(rule: Rule): TriggerDraft {
  nextKey += 1;
  return { ...rule, event: (rule.event ?? 'updated') as TriggerDraft['event'], key: `t${nextKey}` };
}

export function triggersOf(set: RuleSet | undefined): TriggerDraft[] {
  return (set?.rules ?? []).filter((rule) => !isRouting(rule)).map(withKey);
}

/** The whole set: the routing rules as loaded, then the triggers in the order on screen (positions 10, 20, ... per
 * event: positions order the rules that answer one event). */
export function toRuleSet(drafts: TriggerDraft[], loaded: RuleSet | undefined): RuleSet {
  const routing = (loaded?.rules ?? []).filter(isRouting);
  const counters: Record<string, number> = {};
  const triggers = drafts.map(({ key: _key, ...rule }) => {
    counters[rule.event] = (counters[rule.event] ?? 0) + 10;
    return { ...rule, position: counters[rule.event], conditions: rule.conditions.map(cleanCondition) };
  });
  return { rules: [...routing, ...triggers] };
}

export function newTrigger(name: string): TriggerDraft {
  return withKey({
    name,
    position: 0,
    event: 'updated',
    match: 'all',
    conditions: [{ field: 'priority', operator: 'changed_to', value: ['P1'] }],
    actions: [{ type: 'add_tags', value: [] }],
    stop: false,
    enabled: true,
  });
}
