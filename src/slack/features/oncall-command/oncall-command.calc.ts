/** `/oncall …` text → what to do. Pure, so every spelling is tested without Slack. */

export type OnCallCommand =
  | { sub: 'help' }
  | { sub: 'overview' }
  | { sub: 'at'; when: string }
  | { sub: 'me' }
  | { sub: 'schedules' }
  | { sub: 'override'; schedule?: string }
  /** `/oncall contact`: how you get paged (phones, notification rules, a test page). */
  | { sub: 'contact' }
  /** `/oncall simulate <service> [at <time>]`: who the service's policy would page, how and when. */
  | { sub: 'simulate'; service: string; when?: string }
  /** Anything else is read as a schedule name (an unknown one is answered with the names and the help). */
  | { sub: 'schedule'; name: string }
  | { sub: 'usage'; message: string };

export const SIMULATE_USAGE =
  'Usage: `/oncall simulate SERVICE [at TIME]`, e.g. `/oncall simulate payments at saturday 03:00`.';

export const AT_USAGE =
  'Usage: `/oncall at TIME`, e.g. `/oncall at tomorrow 09:00`, `/oncall at +2h`, `/oncall at 2026-03-29T09:00`.';

const ALIASES: Record<string, string> = {
  now: 'overview',
  mine: 'me',
  my: 'me',
  list: 'schedules',
  ls: 'schedules',
  cover: 'override',
  swap: 'override',
  contacts: 'contact',
  phone: 'contact',
  phones: 'contact',
  rules: 'contact',
  '-h': 'help',
  '--help': 'help',
  '?': 'help',
};

/** Slack sends `&`, `<` and `>` in command text as HTML entities. */
function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** A name as typed, without surrounding quotes (`"Payments EU"`, `“Payments”`). */
function unquote(text: string): string {
  const m = /^["'“”‘’](.*)["'“”‘’]$/s.exec(text);
  return (m?.[1] ?? text).trim();
}

export function parseOnCallCommand(text: string): OnCallCommand {
  const trimmed = decodeEntities(text).replace(/\s+/g, ' ').trim();
  if (!trimmed) return { sub: 'overview' };
  const [head = ''] = trimmed.split(' ');
  const word = head.toLowerCase();
  const sub = ALIASES[word] ?? word;
  const rest = trimmed.slice(head.length).trim();
  // `me`, `schedules` and `now` take no arguments: with some, the words may be a schedule's name ("Me Team"),
  // and an unknown name is answered with the help anyway.
  const byName: OnCallCommand = { sub: 'schedule', name: unquote(trimmed) };
  switch (sub) {
    case 'help':
      return { sub: 'help' };
    case 'overview':
      return rest ? byName : { sub: 'overview' };
    case 'at':
      return rest ? { sub: 'at', when: rest } : { sub: 'usage', message: AT_USAGE };
    case 'me':
      return rest ? byName : { sub: 'me' };
    case 'contact':
      return rest ? byName : { sub: 'contact' };
    case 'schedules':
      return rest ? byName : { sub: 'schedules' };
    case 'simulate': {
      const m = /^(.+?)(?:\s+at\s+(.+))?$/i.exec(rest);
      const service = unquote(m?.[1] ?? '');
      if (!service || /^at(\s|$)/i.test(service)) return { sub: 'usage', message: SIMULATE_USAGE };
      return m?.[2] ? { sub, service, when: m[2].trim() } : { sub, service };
    }
    case 'override': {
      const schedule = unquote(rest);
      return schedule ? { sub: 'override', schedule } : { sub: 'override' };
    }
    default:
      return byName;
  }
}

/** Levenshtein distance, giving up (returning `max + 1`) once it must exceed `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/**
 * The schedule someone probably meant: the one name containing what was typed (or contained in it), else the
 * one name within a typo or two of it (case-insensitive); null when none or several fit.
 */
export function likelySchedule(asked: string, names: readonly string[]): string | null {
  const a = asked.trim().toLowerCase();
  if (a.length < 2) return null;
  const one = (found: readonly string[]) => (found.length === 1 ? (found[0] ?? null) : null);
  const contains = names.filter((n) => {
    const l = n.toLowerCase();
    return l.includes(a) || (l.length > 2 && a.includes(l));
  });
  if (contains.length) return one(contains);
  const max = Math.min(2, Math.floor(a.length / 3));
  return max ? one(names.filter((n) => distance(a, n.toLowerCase(), max) <= max)) : null;
}
