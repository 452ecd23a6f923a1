import { compileRegex, type Matcher, MatcherError, type MatchOp } from './matchers.calc.js';

/** One matcher: name, operator (`=~` before `=`), value (Alertmanager's classic parser). */
const ONE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/**
 * Parses Alertmanager's matcher syntax (pkg/labels/parse.go, the classic parser): `{a="b", c=~"d.*"}`, the braces
 * optional, values quoted or bare (`service=checkout`), separated by commas outside quotes. Throws MatcherError
 * with Alertmanager's message when a matcher is malformed.
 */
export function parseMatchers(input: string): Matcher[] {
  let s = input;
  if (s.startsWith('{')) s = s.slice(1);
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let inside = false;
  let escaped = false;
  let token = '';
  for (const r of s) {
    if (r === ',' && !inside) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (r === '"') {
      if (!escaped) inside = !inside;
      else escaped = false;
    } else if (r === '\\') escaped = !escaped;
    else escaped = false;
    token += r;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** Parses one matcher (`name op value`). */
export function parseMatcher(s: string): Matcher {
  const ms = ONE.exec(s);
  if (!ms) throw new MatcherError(`bad matcher format: ${s}`);
  let raw = ms[3]!;
  let expectQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectQuote = true;
  }
  let value = '';
  let escaped = false;
  const chars = [...raw];
  for (const [i, r] of chars.entries()) {
    if (escaped) {
      escaped = false;
      if (r === 'n') value += '\n';
      else if (r === '"' || r === '\\') value += r;
      else value += `\\${r}`;
      continue;
    }
    if (r === '\\') {
      if (i < chars.length - 1) escaped = true;
      else value += '\\';
    } else if (r === '"') {
      if (!expectQuote || i < chars.length - 1)
        throw new MatcherError(`matcher value contains unescaped double quote: ${ms[3]}`);
      expectQuote = false;
    } else value += r;
  }
  if (expectQuote) throw new MatcherError(`matcher value contains unescaped double quote: ${ms[3]}`);
  const op = ms[2] as MatchOp;
  if (op === '=~' || op === '!~') compileRegex(value);
  return { name: ms[1]!, op, value };
}
