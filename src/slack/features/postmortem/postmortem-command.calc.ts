/** `/postmortem …` text → what to do. Pure, so every spelling is tested without Slack. */

export type PostmortemCommand =
  | { sub: 'help' }
  | { sub: 'open'; ref: string }
  | { sub: 'actions'; mine: boolean }
  | { sub: 'unknown'; text: string };

const REF = /^(?:inc-?|#)?\d+$/i;

export function parsePostmortemCommand(text: string): PostmortemCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [head = '', ...rest] = words;
  const h = head.toLowerCase();
  if (!head || h === 'help') return { sub: 'help' };
  if ((h === 'actions' || h === 'action-items' || h === 'items') && rest.length <= 1) {
    const [which] = rest;
    if (!which) return { sub: 'actions', mine: false };
    if (['mine', 'me', 'my'].includes(which.toLowerCase())) return { sub: 'actions', mine: true };
    return { sub: 'unknown', text: text.trim() };
  }
  if (REF.test(head) && rest.length === 0) return { sub: 'open', ref: head.replace(/^#/, '') };
  return { sub: 'unknown', text: text.trim() };
}
