/**
 * Label matchers with Alertmanager's semantics (pkg/labels/matcher.go):
 * - `=` / `!=` compare the label's value as a string; `=~` / `!~` match a regular expression anchored at both
 *   ends (`^(?:re)$`), so `=~"High.*"` never matches "TooHigh";
 * - a label the alert does not carry has the value "" — so `a!="x"`, `a=""`, `a=~".*"`, `a!~"x"` all match an
 *   alert without `a`, and `a!=""` needs `a` present and non-empty;
 * - a silence matches an alert when every one of its matchers does.
 * Regular expressions are RE2-like (what Go's regexp accepts): leading flag groups `(?i)`, `(?s)`, `(?m)` and
 * named groups `(?P<name>…)` are translated; look-arounds and back-references (which RE2 refuses) are refused.
 */

export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** Classic label names (what Alertmanager's classic parser and validation accept). */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class MatcherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatcherError';
  }
}

const cache = new Map<string, RegExp>();
const CACHE_MAX = 2_000;

/** Compiles `value` as Alertmanager does (`^(?:value)$`), RE2-like; throws MatcherError when it is not one. */
export function compileRegex(value: string): RegExp {
  const hit = cache.get(value);
  if (hit) return hit;
  let source = value;
  let flags = 'u';
  const lead = /^\(\?([ism]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  if (/\(\?<?[=!]/.test(source)) throw new MatcherError('look-arounds are not supported (RE2 syntax)');
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(source))
    throw new MatcherError('back-references are not supported (RE2 syntax)');
  source = source.replaceAll('(?P<', '(?<');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, flags);
  } catch {
    try {
      re = new RegExp(`^(?:${source})$`, flags.replace('u', ''));
    } catch (e) {
      throw new MatcherError(`invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(value, re);
  return re;
}

/** Whether one matcher matches a label value ("" when the alert lacks the label). */
export function matchesValue(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return compileRegex(m.value).test(value);
    case '!~':
      return !compileRegex(m.value).test(value);
  }
}

/** Whether every matcher matches the alert's labels (a missing label is ""). */
export function matchesLabels(
  matchers: readonly Matcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((m) => matchesValue(m, labels[m.name] ?? ''));
}

/**
 * Checks matchers as Alertmanager validates a silence's: at least one, label names valid, regular expressions
 * compile, and at least one matcher that does not match the empty string (a silence must not match everything).
 * Returns the problems, person-readable (empty when none).
 */
export function matcherProblems(matchers: readonly Matcher[]): string[] {
  if (matchers.length === 0) return ['at least one matcher is needed'];
  const out = matchers.flatMap(oneMatcherProblems);
  if (out.length === 0 && matchers.every((m) => matchesValue(m, '')))
    out.push('at least one matcher must not match the empty string');
  return out;
}

/** What is wrong with one matcher (its label name, its regular expression), as Alertmanager's validateMatcher. */
export function oneMatcherProblems(m: Matcher): string[] {
  const out: string[] = [];
  if (!LABEL_NAME.test(m.name)) out.push(`"${m.name}" is not a valid label name`);
  if (m.op === '=~' || m.op === '!~') {
    try {
      compileRegex(m.value);
    } catch (e) {
      out.push(`${m.name}${m.op}"${m.value}": ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return out;
}

/** A matcher as Alertmanager prints it: `name="value"` with `\\`, `\"` and `\n` escaped. */
export function matcherText(m: Matcher): string {
  const v = m.value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
  return `${m.name}${m.op}"${v}"`;
}

export const matchersText = (ms: readonly Matcher[]): string => ms.map(matcherText).join(', ');
