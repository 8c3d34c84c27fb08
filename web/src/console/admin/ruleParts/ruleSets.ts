// One rule set holds the routing rules (event `created`) and the triggers (any other event); each screen edits its
// own part and saves the whole set with the other part unchanged.
import type { Rule } from '../../../api';

export function isRouting(rule: Rule): boolean {
  return !rule.event || rule.event === 'created';
}
