import { type Matcher, MatcherError, parseDuration, parseMatchers } from '../../../domains/silences/index.js';

export type SilenceCommand =
  | { sub: 'help' }
  | { sub: 'list' }
  | { sub: 'expire'; id: string }
  | { sub: 'create'; matchers: Matcher[]; durationMs: number; reason: string }
  | { sub: 'usage'; message: string };

const USAGE =
  'Usage: `/silence service=checkout 2h deploy` (matchers, a duration such as 30m, 2h or 1d, then the reason).';

/** Splits on whitespace outside double quotes. */
function words(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let escaped = false;
  for (const ch of text) {
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === '"') quoted = !quoted;
    else if (/\s/.test(ch) && !quoted) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * `/silence <matchers> <duration> <reason>` (matchers in Alertmanager's syntax, separated by spaces or commas:
 * `service=checkout alertname=~"High.*"`), `list`, `expire <id>`, `help`. Slack's escaping (`&lt;`…) is undone.
 */
export function parseSilenceCommand(raw: string): SilenceCommand {
  const text = raw.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&').trim();
  const [first = '', ...rest] = words(text);
  if (first === '' || first === 'help') return { sub: 'help' };
  if (first === 'list' && rest.length === 0) return { sub: 'list' };
  if (first === 'expire') {
    if (rest.length !== 1)
      return { sub: 'usage', message: 'Usage: `/silence expire <id>` (ids are in `/silence list`).' };
    return { sub: 'expire', id: rest[0]! };
  }
  const all = [first, ...rest];
  const at = all.findIndex((w) => parseDuration(w) !== null);
  if (at <= 0) return { sub: 'usage', message: USAGE };
  const reason = all
    .slice(at + 1)
    .join(' ')
    .trim();
  if (!reason) return { sub: 'usage', message: `Give a reason after the duration. ${USAGE}` };
  try {
    const matchers = parseMatchers(all.slice(0, at).join(','));
    if (matchers.length === 0) return { sub: 'usage', message: USAGE };
    return { sub: 'create', matchers, durationMs: parseDuration(all[at]!)!, reason };
  } catch (e) {
    if (e instanceof MatcherError) return { sub: 'usage', message: `${e.message}. ${USAGE}` };
    throw e;
  }
}
