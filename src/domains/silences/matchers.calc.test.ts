import { describe, expect, it } from '@jest/globals';
import {
  type Matcher,
  type MatchOp,
  matcherProblems,
  matchersText,
  matcherText,
  matchesLabels,
  matchesValue,
  oneMatcherProblems,
} from './matchers.calc.js';
import { parseMatchers } from './matchers-parse.calc.js';

/**
 * The cases of Alertmanager's own tests (github.com/prometheus/alertmanager, pkg/labels/matcher_test.go,
 * pkg/labels/parse_test.go, silence/silence_test.go at 68fb2d5), ported as data. Apache-2.0, The Prometheus
 * Authors.
 */
const m = (op: MatchOp, value: string, name = ''): Matcher => ({ name, op, value });

describe('matcher semantics (pkg/labels/matcher_test.go TestMatcher)', () => {
  it.each([
    ['=', 'bar', 'bar', true],
    ['=', 'bar', 'foo-bar', false],
    ['!=', 'bar', 'bar', false],
    ['!=', 'bar', 'foo-bar', true],
    ['=~', 'bar', 'bar', true],
    ['=~', 'bar', 'foo-bar', false],
    ['=~', '.*bar', 'foo-bar', true],
    ['!~', 'bar', 'bar', false],
    ['!~', 'bar', 'foo-bar', true],
    ['!~', '.*bar', 'foo-bar', false],
    ['=~', 'foo.bar', 'foo-bar', true],
    ['=~', 'foo\\.bar', 'foo-bar', false],
    ['=~', 'foo\\.bar', 'foo.bar', true],
    ['=', 'foo\nbar', 'foo\nbar', true],
    ['=~', 'foo.bar', 'foo\nbar', false],
    ['=~', '(?s)foo.bar', 'foo\nbar', true],
    ['=', '~!="', '~!="', true],
  ] as const)('%s %j against %j → %s', (op, value, input, want) => {
    expect(matchesValue(m(op, value), input)).toBe(want);
  });

  it('regular expressions are anchored at both ends, alternatives included', () => {
    expect(matchesValue(m('=~', 'High.*'), 'TooHighLatency')).toBe(false);
    expect(matchesValue(m('=~', 'a|b'), 'ab')).toBe(false);
    expect(matchesValue(m('=~', 'a|b'), 'b')).toBe(true);
    expect(matchesValue(m('=~', '(?i)checkout'), 'CheckOut')).toBe(true);
  });
});

describe('matcher text (TestMatcherString)', () => {
  it.each([
    ['foo', '=', 'bar', 'foo="bar"'],
    ['foo', '!=', 'bar', 'foo!="bar"'],
    ['foo', '=~', 'bar', 'foo=~"bar"'],
    ['foo', '!~', 'bar', 'foo!~"bar"'],
    ['foo', '=', 'back\\slash', 'foo="back\\\\slash"'],
    ['foo', '=', 'double"quote', 'foo="double\\"quote"'],
    ['foo', '=', 'new\nline', 'foo="new\\nline"'],
    ['foo', '=', 'tab\tstop', 'foo="tab\tstop"'],
    ['foo', '=', '🙂', 'foo="🙂"'],
  ] as const)('%s %s %j prints as %s', (name, op, value, want) => {
    expect(matcherText({ name, op, value })).toBe(want);
  });
});

describe('a missing label is the empty string', () => {
  const labels = { alertname: 'HighLatency', service: 'checkout' };
  it.each([
    ['env!="prod"', true],
    ['env=""', true],
    ['env=~".*"', true],
    ['env!~"prod"', true],
    ['env!=""', false],
    ['env=~".+"', false],
    ['env!~""', false],
    ['env!~".*"', false],
    ['service!=""', true],
    ['service=~"check.*"', true],
  ])('%s', (text, want) => {
    expect(matchesLabels(parseMatchers(text), labels)).toBe(want);
  });
});

describe('silence matching (silence/silence_test.go TestQMatches, single matcher sets)', () => {
  const labels = { job: 'test', instance: 'web-1', path: '/user/profile', method: 'GET' };
  it.each([
    ['job="test"', true],
    ['job!="test"', false],
    ['job="test", method="POST"', false],
    ['job="test", method!="POST"', true],
    ['path=~"/user/.+"', true],
    ['path!~"/user/.+"', false],
    ['path=~"/user/.+", path=~"/nothing/.+"', false],
  ])('%s → %s', (text, silenced) => {
    expect(matchesLabels(parseMatchers(text), labels)).toBe(silenced);
  });
});

describe('validation (TestValidateClassicMatcher, TestValidateSilence)', () => {
  const one = (name: string, op: MatchOp, value: string) => oneMatcherProblems({ name, op, value });
  it.each([
    ['a', '=', 'b', ''],
    ['a', '!=', 'b', ''],
    ['a', '=~', 'b', ''],
    ['a', '!~', 'b', ''],
    ['00', '=', 'a', 'not a valid label name'],
    ['🙂', '=', 'a', 'not a valid label name'],
    ['a', '=~', '((', 'invalid regular expression'],
    ['a', '!~', '))', 'invalid regular expression'],
    ['a', '=', '🙂', ''],
  ] as const)('%s %s %j', (name, op, value, err) => {
    const problems = one(name, op, value);
    if (err) expect(problems.join('; ')).toContain(err);
    else expect(problems).toEqual([]);
  });

  it('refuses no matchers, and matchers that all match the empty string', () => {
    expect(matcherProblems([])).toEqual(['at least one matcher is needed']);
    expect(
      matcherProblems([
        { name: 'a', op: '=', value: '' },
        { name: 'b', op: '=~', value: '.*' },
      ]),
    ).toEqual(['at least one matcher must not match the empty string']);
  });

  it('refuses what RE2 refuses (look-arounds, back-references)', () => {
    expect(one('a', '=~', 'foo(?=bar)').join()).toContain('look-arounds');
    expect(one('a', '=~', '(a)\\1').join()).toContain('back-references');
  });
});

const eq = (name: string, value: string): Matcher => ({ name, op: '=', value });

describe('parser (pkg/labels/parse_test.go TestMatchers)', () => {
  it.each<[string, Matcher[]]>([
    ['{}', []],
    ["{foo='}", [eq('foo', "'")]],
    ['{foo=`}', [eq('foo', '`')]],
    ['{foo=\\"}', [eq('foo', '"')]],
    ['{foo=bar}', [eq('foo', 'bar')]],
    ['{foo="bar"}', [eq('foo', 'bar')]],
    ['{foo=~bar.*}', [{ name: 'foo', op: '=~', value: 'bar.*' }]],
    ['{foo=~"bar.*"}', [{ name: 'foo', op: '=~', value: 'bar.*' }]],
    ['{foo!=bar}', [{ name: 'foo', op: '!=', value: 'bar' }]],
    ['{foo!="bar"}', [{ name: 'foo', op: '!=', value: 'bar' }]],
    ['{foo!~bar.*}', [{ name: 'foo', op: '!~', value: 'bar.*' }]],
    ['{foo!~"bar.*"}', [{ name: 'foo', op: '!~', value: 'bar.*' }]],
    ['{foo="bar", baz!="quux"}', [eq('foo', 'bar'), { name: 'baz', op: '!=', value: 'quux' }]],
    [
      '{foo="bar",baz!~".*quux", derp="wat"}',
      [eq('foo', 'bar'), { name: 'baz', op: '!~', value: '.*quux' }, eq('derp', 'wat')],
    ],
    [
      '{foo="bar", instance=~"some-api.*"}',
      [eq('foo', 'bar'), { name: 'instance', op: '=~', value: 'some-api.*' }],
    ],
    ['{foo=""}', [eq('foo', '')]],
    ['{foo="bar,quux", job="job1"}', [eq('foo', 'bar,quux'), eq('job', 'job1')]],
    ['{foo = "bar", dings != "bums", }', [eq('foo', 'bar'), { name: 'dings', op: '!=', value: 'bums' }]],
    ['foo=bar,dings!=bums', [eq('foo', 'bar'), { name: 'dings', op: '!=', value: 'bums' }]],
    [
      '{quote="She said: \\"Hi, ladies! That\'s gender-neutral…\\""}',
      [eq('quote', 'She said: "Hi, ladies! That\'s gender-neutral…"')],
    ],
    ['statuscode=~"5.."', [{ name: 'statuscode', op: '=~', value: '5..' }]],
    ['tricky=~~~', [{ name: 'tricky', op: '=~', value: '~~' }]],
    ['trickier==\\\\=\\=\\"', [eq('trickier', '=\\=\\="')]],
    [
      'contains_quote != "\\"" , contains_comma !~ "foo,bar" , ',
      [
        { name: 'contains_quote', op: '!=', value: '"' },
        { name: 'contains_comma', op: '!~', value: 'foo,bar' },
      ],
    ],
    ['{foo=bar}}', [eq('foo', 'bar}')]],
    ['{foo=bar}},}', [eq('foo', 'bar}}')]],
    ['{foo=,bar=}}', [eq('foo', ''), eq('bar', '}')]],
    ['{foo=bar\\t}', [eq('foo', 'bar\\t')]],
    ['{foo=bar\\n}', [eq('foo', 'bar\n')]],
    ['{foo=bar\\}', [eq('foo', 'bar\\')]],
    ['{foo=bar\\\\}', [eq('foo', 'bar\\')]],
    ['{foo=bar\\"}', [eq('foo', 'bar"')]],
    ['job=', [eq('job', '')]],
    ['{foo=', [eq('foo', '')]],
    ['{foo=}b', [eq('foo', '}b')]],
    ['service=checkout', [eq('service', 'checkout')]],
    ['alertname=~"High.*"', [{ name: 'alertname', op: '=~', value: 'High.*' }]],
  ])('%s', (input, want) => {
    expect(parseMatchers(input)).toEqual(want);
  });

  it.each([
    [',', 'bad matcher format: '],
    ['{,}', 'bad matcher format: '],
    ['job="value', 'matcher value contains unescaped double quote: "value'],
    ['job=value"', 'matcher value contains unescaped double quote: value"'],
    ['trickier==\\\\=\\=\\""', 'matcher value contains unescaped double quote: =\\\\=\\=\\""'],
    ['contains_unescaped_quote = foo"bar', 'matcher value contains unescaped double quote: foo"bar'],
    ['{invalid-name = "valid label"}', 'bad matcher format: invalid-name = "valid label"'],
    ['"{foo=\\"bar"}', 'bad matcher format: "{foo=\\"bar"'],
    ['"foo=\\"bar"', 'bad matcher format: "foo=\\"bar"'],
    ['"foo="bar""', 'bad matcher format: "foo="bar""'],
    ['{{foo=', 'bad matcher format: {foo='],
  ])('%s is refused: %s', (input, message) => {
    expect(() => parseMatchers(input)).toThrow(message);
  });

  it('refuses an invalid regular expression', () => {
    expect(() => parseMatchers('{foo=~"invalid[regexp"}')).toThrow('invalid regular expression');
  });

  it('prints back what it parsed', () => {
    expect(matchersText(parseMatchers('service=checkout, alertname=~"High.*"'))).toBe(
      'service="checkout", alertname=~"High.*"',
    );
  });
});
