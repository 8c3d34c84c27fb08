// Page-wide keyboard shortcuts (the queue's j/k/Enter, the header search's "/") must not fire while someone types.

/** True when a key press belongs to a form control, not to a page shortcut. `forEnter`: buttons and links too. */
export function typingTarget(target: EventTarget | null, forEnter: boolean): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.isContentEditable) return true;
  if (el.closest('input, textarea, select, .ant-select, [contenteditable="true"]')) return true;
  return forEnter && !!el.closest('button, a');
}
