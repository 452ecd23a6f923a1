/** `/sla` as typed: every SLA, one service's, or help. */
export type SlaCommand = { sub: 'list'; service: string | null } | { sub: 'help' };

export function parseSlaCommand(text: string): SlaCommand {
  const t = text.trim();
  const word = t.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '' || word === 'list' || word === 'all') return { sub: 'list', service: null };
  if (word === 'help') return { sub: 'help' };
  return { sub: 'list', service: t.split(/\s+/)[0] ?? null };
}
