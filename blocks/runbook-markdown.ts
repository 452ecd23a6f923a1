/**
 * A runbook's Markdown as Slack shows it: parsed with marked's lexer (never regexes), then headings, paragraphs,
 * lists (nested, ordered), code blocks, quotes, links, bold, italics and inline code become mrkdwn, packed into
 * section blocks of at most 3,000 characters (a code block longer than that is split into several fenced
 * parts); a rule becomes a divider, the first level-1 heading a header block. Tables are shown as code.
 */
import type { KnownBlock } from '@slack/types';
import { lexer, type Token, type Tokens } from 'marked';
import { escapeMrkdwn, mrkdwn, plain, safeUrl } from './format.js';
import { LIMITS, truncate } from './limits.js';

const MAX = LIMITS.sectionText;

/** Inline tokens → mrkdwn (escaped; Slack has no nested emphasis markers, so they are flattened). */
export function inlineMrkdwn(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map(inlineOne).join('');
}

function inlineOne(t: Token): string {
  switch (t.type) {
    case 'strong':
      return wrap('*', inlineMrkdwn((t as Tokens.Strong).tokens));
    case 'em':
      return wrap('_', inlineMrkdwn((t as Tokens.Em).tokens));
    case 'del':
      return wrap('~', inlineMrkdwn((t as Tokens.Del).tokens));
    case 'codespan':
      return `\`${escapeMrkdwn((t as Tokens.Codespan).text.replace(/`/g, "'"))}\``;
    case 'br':
      return '\n';
    case 'link':
    case 'image': {
      const l = t as Tokens.Link | Tokens.Image;
      const label =
        (t.type === 'link' ? inlineMrkdwn((l as Tokens.Link).tokens) : escapeMrkdwn(l.text)) || l.href;
      const url = safeUrl(l.href);
      return url ? `<${url}|${label.replace(/[|<>]/g, ' ').replace(/[*_~]/g, '')}>` : label;
    }
    case 'text': {
      const x = t as Tokens.Text;
      return x.tokens ? inlineMrkdwn(x.tokens) : escapeMrkdwn(decode(x.text));
    }
    case 'escape':
      return escapeMrkdwn((t as Tokens.Escape).text);
    case 'html':
      return escapeMrkdwn((t as Tokens.HTML).text);
    default:
      return 'text' in t && typeof t.text === 'string' ? escapeMrkdwn(t.text) : '';
  }
}

/** `*bold*` only when there is something to bold (Slack shows `**` as is). */
const wrap = (mark: string, s: string): string => (s.trim() ? `${mark}${s}${mark}` : s);
/** marked leaves entities from the source as written; show `&amp;` as `&` (then escaped once). */
const decode = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _m,
  );

/** One piece of the output: mrkdwn text (packed with its neighbours), a code block, a divider or a header. */
type Piece =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'divider' }
  | { kind: 'header'; text: string };

function listLines(list: Tokens.List, depth: number): string[] {
  const start = typeof list.start === 'number' ? list.start : 1;
  return list.items.flatMap((item, i) => {
    const bullet = list.ordered ? `${start + i}.` : item.task ? (item.checked ? '☑' : '☐') : '•';
    const own: string[] = [];
    const nested: string[] = [];
    for (const tok of item.tokens) {
      if (tok.type === 'list') nested.push(...listLines(tok as Tokens.List, depth + 1));
      else if (tok.type === 'code') nested.push(`\`\`\`${(tok as Tokens.Code).text}\`\`\``);
      else if (tok.type !== 'space') own.push(blockText(tok));
    }
    return [`${'    '.repeat(depth)}${bullet} ${own.join(' ').trim()}`, ...nested];
  });
}

function blockText(t: Token): string {
  switch (t.type) {
    case 'paragraph':
      return inlineMrkdwn((t as Tokens.Paragraph).tokens);
    case 'text': {
      const x = t as Tokens.Text;
      return x.tokens ? inlineMrkdwn(x.tokens) : escapeMrkdwn(decode(x.text));
    }
    case 'heading':
      return wrap('*', inlineMrkdwn((t as Tokens.Heading).tokens).replace(/\*/g, ''));
    case 'list':
      return listLines(t as Tokens.List, 0).join('\n');
    case 'blockquote':
      return (t as Tokens.Blockquote).tokens
        .map(blockText)
        .join('\n')
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    default:
      return 'text' in t && typeof t.text === 'string' ? escapeMrkdwn(t.text) : '';
  }
}

function tableText(t: Tokens.Table): string {
  const row = (cells: Tokens.TableCell[]) => cells.map((c) => c.text).join(' | ');
  return [row(t.header), ...t.rows.map(row)].join('\n');
}

function pieces(markdown: string): Piece[] {
  const out: Piece[] = [];
  let headerDone = false;
  for (const t of lexer(markdown)) {
    if (t.type === 'space' || t.type === 'def') continue;
    if (t.type === 'hr') out.push({ kind: 'divider' });
    else if (t.type === 'code') out.push({ kind: 'code', text: (t as Tokens.Code).text });
    else if (t.type === 'table') out.push({ kind: 'code', text: tableText(t as Tokens.Table) });
    else if (t.type === 'heading' && (t as Tokens.Heading).depth === 1 && !headerDone) {
      headerDone = true;
      out.push({ kind: 'header', text: (t as Tokens.Heading).text });
    } else {
      const text = blockText(t);
      if (text.trim()) out.push({ kind: 'text', text });
    }
  }
  return out;
}

/** Splits text at line ends (else anywhere) into parts of at most `max` characters. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest) out.push(rest);
  return out;
}

const FENCE = '```';

/**
 * The Markdown as blocks: text packed into sections of at most 3,000 characters, code blocks fenced (split when
 * longer), dividers, and the first `# heading` as a header (unless `header: false`).
 */
export function markdownBlocks(markdown: string, opts: { header?: boolean } = {}): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let buf = '';
  const flush = () => {
    if (buf.trim()) blocks.push({ type: 'section', text: mrkdwn(buf, MAX) });
    buf = '';
  };
  const add = (text: string) => {
    for (const part of splitText(text, MAX)) {
      if (buf && buf.length + 2 + part.length > MAX) flush();
      buf = buf ? `${buf}\n\n${part}` : part;
    }
  };
  for (const p of pieces(markdown)) {
    if (p.kind === 'text') add(p.text);
    else if (p.kind === 'code') {
      const body = escapeMrkdwn(p.text.replace(/```/g, "'''"));
      for (const part of splitText(body, MAX - 2 * FENCE.length - 2)) add(`${FENCE}\n${part}\n${FENCE}`);
    } else if (p.kind === 'divider') {
      flush();
      blocks.push({ type: 'divider' });
    } else if (opts.header === false) add(`*${escapeMrkdwn(p.text)}*`);
    else {
      flush();
      blocks.push({ type: 'header', text: plain(truncate(p.text, LIMITS.headerText), LIMITS.headerText) });
    }
  }
  flush();
  return blocks;
}
