/**
 * What an SMS reply to a page asks for — pure. Case and spaces do not matter, nor quotes around it:
 * - `42a`, `42 a`, `ack 42`, `a 42`, `#42a`: acknowledge INC-42 (`e`/`escalate` escalates, `c`/`close`/`resolve` resolves);
 * - `a`, `e`, `c` alone: the one incident paging the person (ambiguous when several are);
 * - `aa`: acknowledge every incident paging them (`cc`: resolve them all);
 * - `STOP` (and Twilio's other opt-out words) and `START` (and its opt-in words), `help`.
 */
export type ReplyAction = 'acknowledge' | 'escalate' | 'resolve';

export type Reply =
  | { kind: 'act'; action: ReplyAction; number: number }
  | { kind: 'act_only'; action: ReplyAction }
  | { kind: 'act_all'; action: 'acknowledge' | 'resolve' }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'help' }
  | { kind: 'unknown' };

const STOP = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit']);
const START = new Set(['start', 'yes', 'unstop']);
const HELP = new Set(['help', 'info', '?']);

const ACTIONS: Record<string, ReplyAction> = {
  a: 'acknowledge',
  ack: 'acknowledge',
  acknowledge: 'acknowledge',
  e: 'escalate',
  esc: 'escalate',
  escalate: 'escalate',
  c: 'resolve',
  close: 'resolve',
  resolve: 'resolve',
};

export function parseReply(body: string): Reply {
  const text = body
    .trim()
    .toLowerCase()
    .replace(/^['"‘’“”]+|['"‘’“”.!]+$/g, '')
    .trim();
  if (STOP.has(text)) return { kind: 'stop' };
  if (START.has(text)) return { kind: 'start' };
  if (HELP.has(text)) return { kind: 'help' };
  if (text === 'aa') return { kind: 'act_all', action: 'acknowledge' };
  if (text === 'cc') return { kind: 'act_all', action: 'resolve' };
  const alone = ACTIONS[text];
  if (alone && text.length <= 1) return { kind: 'act_only', action: alone };
  const codeFirst = /^#?(?:inc-?)?(\d{1,9})\s*([a-z]+)$/.exec(text);
  if (codeFirst?.[1] && codeFirst[2] && ACTIONS[codeFirst[2]])
    return { kind: 'act', action: ACTIONS[codeFirst[2]] as ReplyAction, number: Number(codeFirst[1]) };
  const wordFirst = /^([a-z]+)\s+#?(?:inc-?)?(\d{1,9})$/.exec(text);
  if (wordFirst?.[1] && wordFirst[2] && ACTIONS[wordFirst[1]])
    return { kind: 'act', action: ACTIONS[wordFirst[1]] as ReplyAction, number: Number(wordFirst[2]) };
  if (alone) return { kind: 'act_only', action: alone };
  return { kind: 'unknown' };
}

/** At most this many passive answers (help, "not understood") a day to one number. */
export const PASSIVE_REPLIES_PER_DAY = 5;
