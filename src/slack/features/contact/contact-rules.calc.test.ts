import { describe, expect, it } from '@jest/globals';
import { ruleInputIds } from '../../../../blocks/ids.js';
import {
  parseRuleOption,
  readRules,
  rowsFromRules,
  rowsFromState,
  ruleProblemBlock,
  type StateValues,
} from './contact-rules.calc.js';

const SMS = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

function state(urgency: 'high' | 'low', rows: [string | null, string | null][]): StateValues {
  const out: StateValues = {};
  rows.forEach(([value, delay], i) => {
    const ids = ruleInputIds(urgency, i);
    out[ids.method.blockId] = { [ids.method.actionId]: { selected_option: value ? { value } : null } };
    out[ids.delay.blockId] = { [ids.delay.actionId]: { value: delay } };
  });
  return out;
}

describe('rules ↔ the form’s rows', () => {
  it('fills rows from rules, one empty row when there are none', () => {
    expect(rowsFromRules([])).toEqual([{ value: null, delayMinutes: null }]);
    expect(rowsFromRules([{ method: 'sms', delayMinutes: 3, contactMethodId: SMS }])).toEqual([
      { value: `sms:${SMS}`, delayMinutes: 3 },
    ]);
  });

  it('reads select values back', () => {
    expect(parseRuleOption('slack_dm')).toEqual({ method: 'slack_dm' });
    expect(parseRuleOption(`voice:${SMS}`)).toEqual({ method: 'voice', contactMethodId: SMS });
    expect(parseRuleOption('email:x')).toBeNull();
    expect(parseRuleOption('sms:')).toBeNull();
  });

  it('reads what the form holds now, empty minutes as none', () => {
    const values = state('high', [
      ['slack_dm', '0'],
      [null, ''],
    ]);
    expect(rowsFromState(values, 'high', 3)).toEqual([
      { value: 'slack_dm', delayMinutes: 0 },
      { value: null, delayMinutes: null },
      { value: null, delayMinutes: null },
    ]);
  });

  it('saves each chain in order of delay, ignores empty rows, empty minutes are 0', () => {
    const values = {
      ...state('high', [
        [`sms:${SMS}`, '5'],
        [null, null],
        ['slack_dm', null],
      ]),
      ...state('low', [['slack_dm', '1']]),
    };
    const read = readRules(values, { high: 3, low: 1 });
    expect(read.problems).toEqual([]);
    expect(read.rules.high).toEqual([
      { method: 'slack_dm', delayMinutes: 0 },
      { method: 'sms', contactMethodId: SMS, delayMinutes: 5 },
    ]);
    expect(read.rowOf.high).toEqual([2, 0]);
    expect(read.rules.low).toEqual([{ method: 'slack_dm', delayMinutes: 1 }]);
  });

  it('names problems by the row’s block', () => {
    const read = readRules(
      state('high', [
        [null, '3'],
        ['nonsense', '1'],
        ['slack_dm', '2000'],
      ]),
      { high: 3, low: 0 },
    );
    expect(read.problems.map((p) => p.field)).toEqual([
      ruleInputIds('high', 0).method.blockId,
      ruleInputIds('high', 1).method.blockId,
      ruleInputIds('high', 2).delay.blockId,
    ]);
  });

  it('puts the rules service’s refusals back on the rows they came from', () => {
    const rowOf = { high: [2, 0], low: [0] };
    expect(ruleProblemBlock('high.0.contactMethodId', rowOf)).toBe(ruleInputIds('high', 2).method.blockId);
    expect(ruleProblemBlock('high.1.delayMinutes', rowOf)).toBe(ruleInputIds('high', 0).delay.blockId);
    expect(ruleProblemBlock('low.0.method', rowOf)).toBe(ruleInputIds('low', 0).method.blockId);
    expect(ruleProblemBlock('high', rowOf)).toBe(ruleInputIds('high', 0).method.blockId);
    expect(ruleProblemBlock('rules.low.3.delay', rowOf)).toBe('rules.low.3.delay');
    expect(ruleProblemBlock('(body)', rowOf)).toBeNull();
  });
});
