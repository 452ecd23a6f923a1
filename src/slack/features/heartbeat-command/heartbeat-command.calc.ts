/** `/heartbeat` as typed: which subcommand. */
export type HeartbeatCommand = { sub: 'list' } | { sub: 'help' } | { sub: 'unknown'; text: string };

export function parseHeartbeatCommand(text: string): HeartbeatCommand {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (word === '' || word === 'list' || word === 'ls' || word === 'status') return { sub: 'list' };
  if (word === 'help') return { sub: 'help' };
  return { sub: 'unknown', text: text.trim() };
}
