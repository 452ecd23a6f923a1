import { describe, expect, it } from '@jest/globals';
import type { InputBlock, StaticSelect } from '@slack/types';
import { MERGE_INPUTS, VIEWS } from './ids.js';
import { checkLimits } from './limits.js';
import { mergeModal, mergeOptionText } from './merge-modal.blocks.js';
import { incidentView } from './view-fixtures.js';

const self = incidentView({ id: 'i43', number: 43, title: 'Checkout latency' });

describe('mergeModal', () => {
  it('offers the open incidents to merge into, by ref, severity and title', () => {
    const targets = [
      incidentView({ id: 'i41', number: 41, title: 'Checkout is down', severity: 1 }),
      incidentView({ id: 'i40', number: 40, title: `Disk ${'very '.repeat(30)}full`, severity: 3 }),
    ];
    const view = mergeModal({ incident: self, targets, privateMetadata: '{"incidentId":"i43"}' });
    expect(view).toMatchObject({ callback_id: VIEWS.merge, submit: { text: 'Merge' } });
    const input = view.blocks.find((b): b is InputBlock => b.type === 'input');
    expect(input?.block_id).toBe(MERGE_INPUTS.into.blockId);
    const select = input?.element as StaticSelect;
    expect(select.action_id).toBe(MERGE_INPUTS.into.actionId);
    expect(select.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['i41', 'INC-41 · P1 · Checkout is down'],
      ['i40', mergeOptionText(targets[1]!)],
    ]);
    expect(mergeOptionText(targets[1]!).length).toBeLessThanOrEqual(75);
    expect(checkLimits('modal', view)).toEqual([]);
  });

  it('says so, with nothing to submit, when there is no other open incident', () => {
    const view = mergeModal({ incident: self, targets: [], privateMetadata: '{}' });
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('no other open incident');
    expect(checkLimits('modal', view)).toEqual([]);
  });
});
