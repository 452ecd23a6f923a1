/** `/incident …` text → what to do. Pure, so every spelling is tested without Slack. */

export type IncidentCommand =
  | { sub: 'help' }
  | { sub: 'declare'; title: string }
  | { sub: 'list'; service?: string; severity?: number }
  | { sub: 'show' | 'ack' | 'escalate' | 'channel'; ref: string }
  | { sub: 'severity'; ref: string; severity: number }
  | { sub: 'rename'; ref: string; title: string }
  | { sub: 'drill'; service: string; severity: number }
  | { sub: 'resolve'; ref: string; note?: string }
  | { sub: 'assign'; ref: string; user: string }
  | { sub: 'note'; ref: string; text: string }
  /** `user` null: clear the role; `role` absent: open the role modal. */
  | { sub: 'role'; ref: string; role?: string; user?: string | null }
  | { sub: 'update'; ref: string }
  | { sub: 'follow' | 'unfollow'; ref: string; channel?: string }
  | { sub: 'merge'; ref: string; into: string }
  | { sub: 'unknown'; text: string }
  | { sub: 'usage'; message: string };

const USAGE: Record<string, string> = {
  show: '/incident show INC-42',
  ack: '/incident ack INC-42',
  resolve: '/incident resolve INC-42 [note]',
  assign: '/incident assign INC-42 @someone',
  note: '/incident note INC-42 what you found',
  escalate: '/incident escalate INC-42',
  drill: '/incident drill service [P1-P5]',
  channel: '/incident channel INC-42',
  severity: '/incident severity INC-42 P1',
  rename: '/incident rename INC-42 new title',
  role: '/incident role INC-42 [commander|comms|scribe] [@someone|clear]',
  update: '/incident update INC-42',
  follow: '/incident follow INC-42 [#channel]',
  unfollow: '/incident unfollow INC-42 [#channel]',
  merge: '/incident merge INC-43 INC-41',
};

const CLEAR = new Set(['clear', 'none', 'nobody', '-']);

/** A Slack channel mention `<#C123|name>` → `C123`; `#name` → `name`; null when it is no channel. */
export function channelArg(arg: string): string | null {
  const m = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(arg.trim());
  if (m?.[1]) return m[1];
  const name = /^#([a-z0-9][a-z0-9_-]{0,79})$/.exec(arg.trim());
  return name?.[1] ?? null;
}

/** A drill pages as a P1 unless told otherwise: the high-urgency rules are the ones worth rehearsing. */
export const DRILL_DEFAULT_SEVERITY = 1;

const ALIASES: Record<string, string> = {
  acknowledge: 'ack',
  new: 'declare',
  open: 'declare',
  ls: 'list',
  info: 'show',
  close: 'resolve',
  sev: 'severity',
  title: 'rename',
};

/** A Slack mention `<@U123|name>` (or a bare `U123`) → `U123`; anything else (an email) as written. */
export function userArg(arg: string): string {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(arg.trim());
  return m?.[1] ?? arg.trim().replace(/^@/, '');
}

export function parseIncidentCommand(text: string): IncidentCommand {
  const trimmed = text.trim();
  if (!trimmed) return { sub: 'help' };
  const [head = '', ...rest] = trimmed.split(/\s+/);
  const sub = ALIASES[head.toLowerCase()] ?? head.toLowerCase();
  const after = trimmed.slice(head.length).trim();
  const usage = (): IncidentCommand => ({ sub: 'usage', message: `Usage: \`${USAGE[sub]}\`` });
  switch (sub) {
    case 'help':
      return { sub: 'help' };
    case 'declare':
      return { sub: 'declare', title: after };
    case 'list': {
      const out: { sub: 'list'; service?: string; severity?: number } = { sub: 'list' };
      for (const word of rest) {
        const sev = /^p([1-5])$/i.exec(word);
        if (sev?.[1]) out.severity = Number(sev[1]);
        else if (!['open', 'all'].includes(word.toLowerCase())) out.service = word;
      }
      return out;
    }
    case 'drill': {
      const [service, sev, ...extra] = rest;
      const severity = sev ? /^p?([1-5])$/i.exec(sev)?.[1] : String(DRILL_DEFAULT_SEVERITY);
      if (!service || !severity || extra.length) return usage();
      return { sub, service, severity: Number(severity) };
    }
    case 'severity': {
      const [ref, sev] = rest;
      const severity = sev ? /^p?([1-5])$/i.exec(sev)?.[1] : undefined;
      return ref && severity && rest.length === 2 ? { sub, ref, severity: Number(severity) } : usage();
    }
    case 'rename': {
      const [ref] = rest;
      const title = ref ? after.slice(ref.length).trim() : '';
      return ref && title ? { sub, ref, title } : usage();
    }
    case 'show':
    case 'channel':
    case 'escalate':
    case 'ack': {
      const [ref] = rest;
      return ref && rest.length === 1 ? { sub, ref } : usage();
    }
    case 'resolve': {
      const [ref] = rest;
      if (!ref) return usage();
      const note = after.slice(ref.length).trim();
      return note ? { sub, ref, note } : { sub, ref };
    }
    case 'assign': {
      const [ref, user] = rest;
      return ref && user && rest.length === 2 ? { sub, ref, user: userArg(user) } : usage();
    }
    case 'merge': {
      // `/incident merge INC-43 INC-41`, also `… INC-43 into INC-41`.
      const words = rest.filter((w, i) => !(i === 1 && rest.length === 3 && w.toLowerCase() === 'into'));
      const [ref, into] = words;
      return ref && into && words.length === 2 ? { sub, ref, into } : usage();
    }
    case 'note': {
      const [ref] = rest;
      const note = ref ? after.slice(ref.length).trim() : '';
      return ref && note ? { sub, ref, text: note } : usage();
    }
    case 'role': {
      const [ref, role, user, ...extra] = rest;
      if (!ref || extra.length) return usage();
      if (!role) return { sub, ref };
      if (!user) return usage();
      return { sub, ref, role, user: CLEAR.has(user.toLowerCase()) ? null : userArg(user) };
    }
    case 'update': {
      const [ref] = rest;
      return ref && rest.length === 1 ? { sub, ref } : usage();
    }
    case 'follow':
    case 'unfollow': {
      const [ref, where, ...extra] = rest;
      if (!ref || extra.length) return usage();
      if (!where) return { sub, ref };
      const channel = channelArg(where);
      return channel ? { sub, ref, channel } : usage();
    }
    default:
      return { sub: 'unknown', text: trimmed };
  }
}
