/**
 * Slack's Block Kit limits, a safe `truncate`, and `checkLimits`, which lists every limit a payload breaks.
 * Lengths are measured in UTF-16 code units (String#length), which is never less than the number of code points,
 * so a text that passes here passes Slack whichever way it counts.
 */

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  contextElements: 10,
  textObject: 3000,
  viewTitle: 24,
  privateMetadata: 3000,
  id: 255,
  actionsElements: 25,
  selectOptions: 100,
  optionGroups: 100,
  optionText: 75,
  optionValue: 75,
  overflowOptions: 5,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  inputMaxLength: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  markdownBlock: 12_000,
} as const;

export type Surface = 'message' | 'modal' | 'home';

export interface LimitViolation {
  /** Where, e.g. `blocks[3].fields[2].text`. */
  path: string;
  rule: string;
  limit: number;
  actual: number;
}

export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Entities and Slack's `<…>` tokens (links, mentions, dates) are never cut in half. */
const ATOMIC = /&(?:amp|lt|gt);|<[^<>\s][^<>]*>/g;

function* graphemes(text: string): Generator<string> {
  for (const s of segmenter.segment(text)) yield s.segment;
}

function* units(text: string): Generator<string> {
  let last = 0;
  for (const m of text.matchAll(ATOMIC)) {
    yield* graphemes(text.slice(last, m.index));
    yield m[0];
    last = m.index + m[0].length;
  }
  yield* graphemes(text.slice(last));
}

/**
 * Shortens `text` to at most `max` UTF-16 code units, ending with a visible "…" when it cut. Never splits a
 * surrogate pair, a grapheme (emoji with modifiers), an `&amp;`-style entity or a `<…>` Slack token.
 */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  const budget = max - ELLIPSIS.length;
  let out = '';
  for (const unit of units(text)) {
    if (out.length + unit.length > budget) break;
    out += unit;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/**
 * Joins as many parts as fit in `max`, then `more(n)` for the n parts left out
 * (e.g. `joinWithin(links, ' · ', 3000, (n) => `+${n} more`)`). `alsoHidden` counts parts the caller
 * already dropped (to avoid formatting thousands of parts that could never fit).
 */
export function joinWithin(
  parts: readonly string[],
  separator: string,
  max: number,
  more: (hidden: number) => string,
  alsoHidden = 0,
): string {
  let out = '';
  let shown = 0;
  for (const [i, part] of parts.entries()) {
    const next = out ? `${out}${separator}${part}` : part;
    const left = parts.length - i - 1 + alsoHidden;
    const tail = left > 0 ? `${separator}${more(left)}` : '';
    if (next.length + tail.length > max) break;
    out = next;
    shown++;
  }
  const hidden = parts.length - shown + alsoHidden;
  if (hidden > 0) {
    const tail = more(hidden);
    out = out ? `${out}${separator}${tail}` : tail;
  }
  return truncate(out, max);
}

/** The first `max` items and how many were left out. */
export function capList<T>(items: readonly T[], max: number): { shown: T[]; hidden: number } {
  const n = Math.max(0, Math.min(items.length, max));
  return { shown: items.slice(0, n), hidden: items.length - n };
}

type Rec = Record<string, unknown>;

function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

class Checker {
  readonly violations: LimitViolation[] = [];

  max(path: string, rule: string, actual: number, limit: number): void {
    if (actual > limit) this.violations.push({ path, rule, limit, actual });
  }

  min(path: string, rule: string, actual: number, limit: number): void {
    if (actual < limit) this.violations.push({ path, rule, limit, actual });
  }

  str(path: string, rule: string, value: unknown, limit: number): void {
    if (typeof value === 'string') this.max(path, rule, value.length, limit);
  }

  /** A text object: its `text` is at most `limit` long and not empty. */
  text(path: string, obj: unknown, limit: number, rule: string): void {
    if (!isRec(obj)) return;
    const t = obj.text;
    if (typeof t !== 'string') return;
    this.max(path, rule, t.length, limit);
    this.min(path, 'text must not be empty', t.length, 1);
  }

  option(path: string, o: unknown): void {
    if (!isRec(o)) return;
    this.text(`${path}.text`, o.text, LIMITS.optionText, 'option text');
    this.str(`${path}.value`, 'option value', o.value, LIMITS.optionValue);
    this.str(`${path}.url`, 'option url', o.url, LIMITS.url);
    this.text(`${path}.description`, o.description, LIMITS.optionText, 'option description');
  }

  confirm(path: string, c: unknown): void {
    if (!isRec(c)) return;
    this.text(`${path}.title`, c.title, LIMITS.confirmTitle, 'confirm title');
    this.text(`${path}.text`, c.text, LIMITS.confirmText, 'confirm text');
    this.text(`${path}.confirm`, c.confirm, LIMITS.confirmButton, 'confirm button');
    this.text(`${path}.deny`, c.deny, LIMITS.confirmButton, 'deny button');
  }

  element(path: string, el: unknown): void {
    if (!isRec(el)) return;
    this.str(`${path}.action_id`, 'action_id length', el.action_id, LIMITS.id);
    this.text(`${path}.placeholder`, el.placeholder, LIMITS.placeholder, 'placeholder');
    this.confirm(`${path}.confirm`, el.confirm);
    const options = arr(el.options);
    switch (el.type) {
      case 'button':
        this.text(`${path}.text`, el.text, LIMITS.buttonText, 'button text');
        this.str(`${path}.value`, 'button value', el.value, LIMITS.buttonValue);
        this.str(`${path}.url`, 'button url', el.url, LIMITS.url);
        this.str(`${path}.accessibility_label`, 'accessibility label', el.accessibility_label, 75);
        break;
      case 'overflow':
        this.max(`${path}.options`, 'overflow options', options.length, LIMITS.overflowOptions);
        this.min(`${path}.options`, 'overflow needs at least 2 options', options.length, 2);
        break;
      case 'plain_text_input':
        this.max(`${path}.max_length`, 'plain_text_input max_length', Number(el.max_length ?? 0), 3000);
        this.str(`${path}.initial_value`, 'initial value', el.initial_value, LIMITS.inputMaxLength);
        break;
      case 'checkboxes':
      case 'radio_buttons':
        this.max(`${path}.options`, `${el.type} options`, options.length, 10);
        break;
      default:
        this.max(`${path}.options`, 'select options', options.length, LIMITS.selectOptions);
    }
    options.forEach((o, i) => {
      this.option(`${path}.options[${i}]`, o);
    });
    const groups = arr(el.option_groups);
    this.max(`${path}.option_groups`, 'option groups', groups.length, LIMITS.optionGroups);
    groups.forEach((g, gi) => {
      if (!isRec(g)) return;
      const gp = `${path}.option_groups[${gi}]`;
      this.text(`${gp}.label`, g.label, LIMITS.optionText, 'option group label');
      const gOptions = arr(g.options);
      this.max(`${gp}.options`, 'options per group', gOptions.length, LIMITS.selectOptions);
      gOptions.forEach((o, i) => {
        this.option(`${gp}.options[${i}]`, o);
      });
    });
    if (el.initial_option !== undefined) this.option(`${path}.initial_option`, el.initial_option);
  }

  block(path: string, b: unknown): void {
    if (!isRec(b)) return;
    this.str(`${path}.block_id`, 'block_id length', b.block_id, LIMITS.id);
    switch (b.type) {
      case 'section': {
        if (b.text !== undefined) this.text(`${path}.text`, b.text, LIMITS.sectionText, 'section text');
        const fields = arr(b.fields);
        this.max(`${path}.fields`, 'section fields', fields.length, LIMITS.sectionFields);
        fields.forEach((f, i) => {
          this.text(`${path}.fields[${i}]`, f, LIMITS.sectionFieldText, 'section field text');
        });
        if (b.text === undefined && fields.length === 0)
          this.min(`${path}`, 'section needs text or fields', 0, 1);
        if (b.accessory !== undefined) this.element(`${path}.accessory`, b.accessory);
        break;
      }
      case 'header':
        this.text(`${path}.text`, b.text, LIMITS.headerText, 'header text');
        break;
      case 'context': {
        const els = arr(b.elements);
        this.max(`${path}.elements`, 'context elements', els.length, LIMITS.contextElements);
        els.forEach((e, i) => {
          this.text(`${path}.elements[${i}]`, e, LIMITS.textObject, 'context text');
        });
        break;
      }
      case 'actions': {
        const els = arr(b.elements);
        this.max(`${path}.elements`, 'actions elements', els.length, LIMITS.actionsElements);
        const seen = new Set<string>();
        els.forEach((e, i) => {
          this.element(`${path}.elements[${i}]`, e);
          const id = isRec(e) ? e.action_id : undefined;
          if (typeof id === 'string' && seen.has(id))
            this.max(`${path}.elements[${i}]`, 'duplicate action_id', 2, 1);
          if (typeof id === 'string') seen.add(id);
        });
        break;
      }
      case 'input':
        this.text(`${path}.label`, b.label, LIMITS.inputLabel, 'input label');
        this.text(`${path}.hint`, b.hint, LIMITS.inputHint, 'input hint');
        this.element(`${path}.element`, b.element);
        break;
      case 'image':
        this.str(`${path}.alt_text`, 'image alt_text', b.alt_text, 2000);
        this.str(`${path}.image_url`, 'image url', b.image_url, LIMITS.url);
        break;
      case 'markdown':
        this.str(`${path}.text`, 'markdown text', b.text, LIMITS.markdownBlock);
        break;
    }
  }
}

/** Every Slack limit `payload` (a message `{ text, blocks }`, or a modal/home `View`) breaks; empty when none. */
export function checkLimits(surface: Surface, payload: object): LimitViolation[] {
  const p = payload as Rec;
  const c = new Checker();
  const blocks = arr(p.blocks);
  const maxBlocks = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  c.max('blocks', `${surface} blocks`, blocks.length, maxBlocks);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    c.block(`blocks[${i}]`, b);
    const id = isRec(b) ? b.block_id : undefined;
    if (typeof id === 'string' && ids.has(id)) c.max(`blocks[${i}].block_id`, 'duplicate block_id', 2, 1);
    if (typeof id === 'string') ids.add(id);
  });
  if (surface === 'message') {
    c.str('text', 'message text', p.text, LIMITS.messageText);
    return c.violations;
  }
  c.str('private_metadata', 'private_metadata', p.private_metadata, LIMITS.privateMetadata);
  c.str('callback_id', 'callback_id length', p.callback_id, LIMITS.id);
  c.str('external_id', 'external_id length', p.external_id, LIMITS.id);
  if (surface === 'modal') {
    if (!isRec(p.title)) c.min('title', 'modal title is required', 0, 1);
    c.text('title', p.title, LIMITS.viewTitle, 'modal title');
    c.text('submit', p.submit, LIMITS.viewTitle, 'modal submit');
    c.text('close', p.close, LIMITS.viewTitle, 'modal close');
    const hasInput = blocks.some((b) => isRec(b) && b.type === 'input');
    if (hasInput && !isRec(p.submit)) c.min('submit', 'a modal with inputs needs submit', 0, 1);
  }
  return c.violations;
}

/** One line per violation, for test failures and the fake Slack's `response_metadata.messages`. */
export function describeViolation(v: LimitViolation): string {
  return `${v.path}: ${v.rule} (limit ${v.limit}, got ${v.actual})`;
}
