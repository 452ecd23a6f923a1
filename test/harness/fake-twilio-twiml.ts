/**
 * TwiML as the fake Twilio reads it: a small XML parser (elements, attributes, text, CDATA, entities; comments,
 * the declaration and DOCTYPE skipped) and the interpretation of one voice document, verb by verb, as far as a
 * phone call can go without the caller: `<Say>` (what the callee hears), `<Play>`, `<Pause>`, `<Gather>` (stops
 * and waits for digits), `<Hangup/>` / `<Reject/>` (ends), `<Redirect>` (fetches another document). Also the
 * `<Message>` verbs of a messaging answer (an SMS reply).
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref.toLowerCase()];
    if (named === undefined) throw new Error(`unknown XML entity ${whole}`);
    return named;
  });
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([A-Za-z_][\w:.-]*)\s*>|<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/gy;
const ATTR = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses a whole XML document into its root element; throws on anything malformed. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const top = stack[stack.length - 1]!;
    const [whole, cdata, close, open, attrText, selfClose, chars, stray] = m;
    if (stray) throw new Error(`malformed XML near offset ${m.index}: ${text.slice(m.index, m.index + 30)}`);
    if (whole.startsWith('<!--') || whole.startsWith('<?') || whole.startsWith('<!DOCTYPE')) continue;
    if (cdata !== undefined) top.children.push(cdata);
    else if (chars !== undefined) top.children.push(decodeEntities(chars));
    else if (close) {
      if (top.name !== close || stack.length === 1) throw new Error(`XML: </${close}> closes <${top.name}>`);
      stack.pop();
    } else if (open) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(ATTR)) attrs[a[1]!] = decodeEntities(a[2] ?? a[3] ?? '');
      const el: XmlElement = { name: open, attrs, children: [] };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`XML: <${stack[stack.length - 1]!.name}> is not closed`);
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  const strayText = root.children.some((c) => typeof c === 'string' && c.trim() !== '');
  if (elements.length !== 1 || strayText) throw new Error('XML: a document has exactly one root element');
  return elements[0]!;
}

/** The text inside an element (SSML such as `<prosody>` included), whitespace collapsed. */
export function textOf(node: XmlNode): string {
  const raw = (n: XmlNode): string => (typeof n === 'string' ? n : n.children.map(raw).join(''));
  return raw(node).replace(/\s+/g, ' ').trim();
}

const elementsOf = (el: XmlElement): XmlElement[] => {
  for (const c of el.children) {
    if (typeof c === 'string' && c.trim() !== '') throw new Error(`TwiML: text directly inside <${el.name}>`);
  }
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
};

export interface GatherState {
  /** Absolute URL the digits are sent to (the document's own URL when `action` is absent). */
  action: string;
  method: 'GET' | 'POST';
  numDigits: number | null;
  finishOnKey: string;
  timeoutSeconds: number;
  actionOnEmptyResult: boolean;
}

export interface VoiceStep {
  /** What the callee hears, one entry per `<Say>` (a `loop="2"` Say gives two entries). */
  said: string[];
  /** Every verb met, in order, e.g. `Say`, `Gather`, `Pause`, `Play`, `Hangup`. */
  verbs: string[];
  /** Set when a `<Gather>` now waits for digits. */
  gather: GatherState | null;
  /** The verbs after that `<Gather>`, run when no digits come. */
  afterGather: XmlElement[];
  redirect: { url: string; method: 'GET' | 'POST' } | null;
  /** `<Hangup/>` or `<Reject/>`. */
  hangup: boolean;
  /** Verbs the fake does not carry out (`Dial`, `Record`, …): a test should look at them. */
  unsupported: string[];
}

const resolve = (href: string, base: string | null): string => {
  if (base) return new URL(href.trim(), base).toString();
  return new URL(href.trim()).toString(); // throws on a relative URL with nothing to resolve it against
};
const methodOf = (v: string | undefined): 'GET' | 'POST' => (v?.toUpperCase() === 'GET' ? 'GET' : 'POST');

/** The voice verbs of a parsed `<Response>` (or the rest after a Gather), as far as they run without input. */
export function runVoiceVerbs(verbs: XmlElement[], docUrl: string | null): VoiceStep {
  const step: VoiceStep = {
    said: [],
    verbs: [],
    gather: null,
    afterGather: [],
    redirect: null,
    hangup: false,
    unsupported: [],
  };
  const say = (el: XmlElement): void => {
    const loop = Number(el.attrs.loop ?? '1');
    const times = Number.isInteger(loop) && loop > 0 ? Math.min(loop, 10) : 1;
    for (let i = 0; i < times; i++) step.said.push(textOf(el));
  };
  for (let i = 0; i < verbs.length; i++) {
    const el = verbs[i]!;
    step.verbs.push(el.name);
    switch (el.name) {
      case 'Say':
        say(el);
        break;
      case 'Play':
      case 'Pause':
        break;
      case 'Gather': {
        for (const inner of elementsOf(el)) {
          step.verbs.push(inner.name);
          if (inner.name === 'Say') say(inner);
          else if (inner.name !== 'Play' && inner.name !== 'Pause') {
            throw new Error(`TwiML: <${inner.name}> cannot be nested in <Gather>`);
          }
        }
        const numDigits = el.attrs.numDigits === undefined ? null : Number(el.attrs.numDigits);
        if (numDigits !== null && !(Number.isInteger(numDigits) && numDigits >= 1)) {
          throw new Error(`TwiML: <Gather numDigits="${el.attrs.numDigits}">`);
        }
        const input = el.attrs.input ?? 'dtmf';
        if (!input.split(/\s+/).includes('dtmf'))
          throw new Error(`TwiML: <Gather input="${input}"> takes no digits`);
        if (!docUrl && !el.attrs.action)
          throw new Error('TwiML: <Gather> without action in an inline document');
        step.gather = {
          action: resolve(el.attrs.action ?? docUrl!, docUrl),
          method: methodOf(el.attrs.method),
          numDigits,
          finishOnKey: el.attrs.finishOnKey ?? '#',
          timeoutSeconds: Number(el.attrs.timeout ?? '5'),
          actionOnEmptyResult: el.attrs.actionOnEmptyResult === 'true',
        };
        step.afterGather = verbs.slice(i + 1);
        return step;
      }
      case 'Hangup':
      case 'Reject':
        step.hangup = true;
        return step;
      case 'Redirect': {
        const href = textOf(el);
        if (!href) throw new Error('TwiML: <Redirect> without a URL');
        step.redirect = { url: resolve(href, docUrl), method: methodOf(el.attrs.method) };
        return step;
      }
      default:
        step.unsupported.push(el.name);
    }
  }
  return step;
}

/** Parses a voice answer: its root must be `<Response>`. */
export function parseVoiceDocument(xml: string): XmlElement[] {
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML: the root is <${root.name}>, not <Response>`);
  return elementsOf(root);
}

/** The SMS a messaging answer sends back: `<Message>` verbs (text, or a `<Body>` inside), with their `to`. */
export function messagesOf(xml: string): { to: string | null; body: string }[] {
  if (!xml.trim()) return [];
  const root = parseXml(xml);
  if (root.name !== 'Response') throw new Error(`TwiML: the root is <${root.name}>, not <Response>`);
  return elementsOf(root)
    .filter((el) => el.name === 'Message')
    .map((el) => {
      const body = el.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'Body');
      return { to: el.attrs.to ?? null, body: textOf(body ?? el) };
    });
}
