// Automations as the editor holds them (with a key for React), and back as the API takes them.
import type { Automation, AutomationWhen } from '../../../api';
import { cleanCondition } from '../ruleParts/values';

export type AutomationDraft = Automation & { key: string };

let nextKey = 0;

export function withKey(automation: Automation): AutomationDraft {
  nextKey += 1;
  return { ...automation, key: `a${nextKey}` };
}

export function toAutomations(drafts: AutomationDraft[]): Automation[] {
  return drafts.map(({ key: _key, ...automation }) => {
    const { conditions = [], match, calendar, ...rest } = automation.when;
    const when: AutomationWhen = { ...rest };
    if (conditions.length > 0) {
      when.conditions = conditions.map(cleanCondition);
      when.match = match ?? 'all';
    }
    if (when.business_hours && calendar) when.calendar = calendar;
    return { ...automation, when };
  });
}

export function newAutomation(name: string): AutomationDraft {
  return withKey({
    name,
    enabled: true,
    when: { status: 'waiting_customer', hours_since: 'waiting_since', hours: 24, business_hours: false },
    actions: [{ type: 'send_mail', value: 'waiting_reminder' }],
  });
}
