/**
 * What a page says by SMS and by phone — pure. An SMS fits in one segment (160 GSM-7 characters) where it can:
 * the title is shortened, never the reply codes. Codes are the incident's number: `42a` acknowledges INC-42,
 * `42e` escalates it, `42c` closes (resolves) it; with several incidents in one message, `aa` acknowledges all.
 */

/** What a page needs of its incident. */
export interface PagedIncident {
  number: number;
  severity: number;
  service: string;
  title: string;
  drill: boolean;
}

export const SEGMENT = 160;
/** A bundle that cannot fit one segment may take this many characters (3 concatenated segments of 153). */
const BUNDLE_MAX = 459;

/** GSM-7's basic character set (and the extension table's characters, which count as two). */
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXT = '^{}\\[~]|€';
const REPLACE: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\t': ' ',
  ' ': ' ',
};

/** Text as GSM-7 can carry it: typographic punctuation made plain, anything else outside the set dropped. */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const r = REPLACE[ch];
    if (r !== undefined) out += r;
    else if (GSM7.includes(ch) || GSM7_EXT.includes(ch)) out += ch;
    else {
      const plain = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += [...plain].every((c) => GSM7.includes(c)) ? plain : '?';
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Length in GSM-7 septets (extension characters count twice). */
export const gsmLength = (text: string): number =>
  [...text].reduce((n, ch) => n + (GSM7_EXT.includes(ch) ? 2 : 1), 0);

/** `text` cut to at most `max` septets, ending in "..." when cut. */
export function shorten(text: string, max: number): string {
  if (gsmLength(text) <= max) return text;
  if (max <= 3) return '';
  let out = '';
  for (const ch of text) {
    if (gsmLength(out + ch) > max - 3) break;
    out += ch;
  }
  return `${out.trimEnd()}...`;
}

const head = (i: PagedIncident): string =>
  `${i.drill ? 'DRILL ' : ''}INC-${i.number} P${i.severity} ${toGsm7(i.service)}`;

/** One incident: `INC-42 P1 checkout: <title>. Reply 42a to ack, 42e to escalate, 42c to close.` */
export function pageSms(i: PagedIncident): string {
  const n = i.number;
  const tail = `. Reply ${n}a to ack, ${n}e to escalate, ${n}c to close.`;
  const start = `${head(i)}: `;
  const room = SEGMENT - gsmLength(start) - gsmLength(tail);
  const title = toGsm7(i.title);
  // When even the head and codes overflow a segment, the title keeps a few words rather than vanishing.
  return `${start}${shorten(title, Math.max(room, 20))}${tail}`;
}

/**
 * Several incidents in one message, oldest first: `3 incidents: 42 P1 checkout <title>, 43 P2 api <title>…;
 * reply 42a, or aa to ack all`. Titles share what is left of one segment; when the heads alone overflow it, the
 * message takes up to three segments and lists what fits ("+2 more").
 */
export function bundleSms(incidents: readonly PagedIncident[]): string {
  if (incidents.length === 1 && incidents[0]) return pageSms(incidents[0]);
  const [first] = incidents;
  if (!first) return '';
  const intro = `${incidents.length} incidents: `;
  const tail = `; reply ${first.number}a, or aa to ack all`;
  const heads = incidents.map(
    (i) => `${i.drill ? 'DRILL ' : ''}${i.number} P${i.severity} ${toGsm7(i.service)}`,
  );
  const fixed = gsmLength(intro) + gsmLength(tail) + heads.reduce((n, h) => n + gsmLength(h) + 3, -2);
  const room = SEGMENT - fixed;
  if (room >= incidents.length * 4) {
    const each = Math.floor(room / incidents.length);
    const items = incidents.map((i, k) => `${heads[k]} ${shorten(toGsm7(i.title), each - 1)}`.trimEnd());
    return `${intro}${items.join(', ')}${tail}`;
  }
  const listed: string[] = [];
  for (const [k, h] of heads.entries()) {
    const more = incidents.length - k - 1;
    const candidate = [...listed, h].join(', ') + (more ? `, +${more} more` : '');
    if (gsmLength(intro + candidate + tail) > BUNDLE_MAX) break;
    listed.push(h);
  }
  const more = incidents.length - listed.length;
  return `${intro}${listed.join(', ')}${more ? `, +${more} more` : ''}${tail}`;
}

const SPOKEN_SEVERITY = ['', 'one', 'two', 'three', 'four', 'five'];

/** A number said digit by digit on the phone ("4 2" rather than "forty-two" reads better for codes). */
const digits = (s: string): string => s.split('').join(' ');

/** What a call says about its incidents (said twice by the TwiML). */
export function voiceScript(incidents: readonly PagedIncident[]): string {
  const one = (i: PagedIncident) =>
    `${i.drill ? 'Drill. ' : ''}Incident ${i.number}, priority ${SPOKEN_SEVERITY[i.severity] ?? i.severity}, service ${i.service}: ${i.title}.`;
  if (incidents.length === 1 && incidents[0]) return `This is OpsWatch. ${one(incidents[0])}`;
  return `This is OpsWatch with ${incidents.length} incidents. ${incidents.map(one).join(' ')}`;
}

export const VOICE_MENU = 'Press 4 to acknowledge, 5 to escalate, 6 to resolve, or star to hear this again.';

/** A verification code's SMS, and what its call says. */
export const verificationSms = (code: string): string =>
  `OpsWatch: your verification code is ${code}. It expires in 10 minutes.`;
export const verificationScript = (code: string): string =>
  `This is OpsWatch. Your verification code is ${digits(code)}. Again: ${digits(code)}.`;

/** The short help an unknown reply gets. */
export const REPLY_HELP =
  'OpsWatch: reply 42a to ack INC-42, 42e to escalate, 42c to close; a, e or c when one incident pages you; aa to ack all; STOP to stop texts.';
