/** `/runbook …` text → what to do. Pure. */
export type RunbookCommand =
  | { kind: 'help' }
  | { kind: 'list'; service: string | null }
  | { kind: 'show'; slug: string }
  /** `/runbook run <slug> [INC-42]`: dispatched to the run pipeline's handler (see runbook.command.ts). */
  | { kind: 'run'; slug: string; incidentRef: string | null }
  | { kind: 'usage'; message: string };

const USAGE = {
  show: 'Usage: `/runbook show slug`',
  run: 'Usage: `/runbook run slug [INC-42]`',
  list: 'Usage: `/runbook list [service]`',
};

export function parseRunbookCommand(text: string): RunbookCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [head = '', ...rest] = words;
  switch (head.toLowerCase()) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'list':
    case 'ls':
      return rest.length <= 1
        ? { kind: 'list', service: rest[0] ?? null }
        : { kind: 'usage', message: USAGE.list };
    case 'show':
      return rest.length === 1
        ? { kind: 'show', slug: rest[0]!.toLowerCase() }
        : { kind: 'usage', message: USAGE.show };
    case 'run':
      return rest.length === 1 || rest.length === 2
        ? { kind: 'run', slug: rest[0]!.toLowerCase(), incidentRef: rest[1] ?? null }
        : { kind: 'usage', message: USAGE.run };
    default:
      // `/runbook high-error-rate` shows it.
      return words.length === 1
        ? { kind: 'show', slug: head.toLowerCase() }
        : { kind: 'usage', message: 'Try `/runbook list`, `/runbook show slug` or `/runbook help`.' };
  }
}
