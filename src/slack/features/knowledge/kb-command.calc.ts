/** `/kb …` text → what to do. Pure. */
export type KbCommand =
  | { sub: 'help' }
  | { sub: 'search'; q: string }
  | { sub: 'show'; ref: string }
  | { sub: 'usage'; message: string };

export function parseKbCommand(text: string): KbCommand {
  const trimmed = text.trim();
  if (!trimmed) return { sub: 'help' };
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const after = trimmed.slice(head.length).trim();
  switch (head.toLowerCase()) {
    case 'help':
      return { sub: 'help' };
    case 'search':
    case 'find':
      return after ? { sub: 'search', q: after } : { sub: 'usage', message: 'Usage: `/kb search words`' };
    case 'show':
      return rest.length === 1 && rest[0]
        ? { sub: 'show', ref: rest[0] }
        : { sub: 'usage', message: 'Usage: `/kb show KB-3`' };
    default:
      // `/kb KB-3` shows it; anything else is a search.
      return /^kb-?\d+$/i.test(trimmed) ? { sub: 'show', ref: trimmed } : { sub: 'search', q: trimmed };
  }
}
