import { describe, expect, it } from '@jest/globals';
import type { ContextBlock, Overflow, SectionBlock } from '@slack/types';
import { INCIDENT_ACTIONS } from './ids.js';
import { incidentList, ListOverflowValue } from './incident-list.blocks.js';
import { checkLimits } from './limits.js';
import { decodeMetadata } from './metadata.js';
import { incidentView, TEST_OPTIONS } from './view-fixtures.js';

describe('incidentList', () => {
  it('shows one row per incident, most severe first', () => {
    const list = incidentList(
      [incidentView({ id: 'a', number: 1, severity: 3 }), incidentView({ id: 'b', number: 2, severity: 1 })],
      TEST_OPTIONS,
    );
    const rows = list.blocks.filter(
      (b): b is SectionBlock => b.type === 'section' && b.accessory !== undefined,
    );
    expect(rows.map((r) => r.text?.text.split('\n')[0])).toEqual([
      ':red_circle: *INC-2* Checkout returns 502',
      ':large_yellow_circle: *INC-1* Checkout returns 502',
    ]);
    expect(rows[0]?.text?.text.split('\n')[1]).toBe(
      'P1 · :rotating_light: Triggered · 2h 5m · checkout (production) · _unassigned_',
    );
    expect(list.text).toBe('2 open incidents');
  });

  it('offers acknowledge and resolve through an overflow carrying a coded value', () => {
    const view = incidentView();
    const row = incidentList([view], TEST_OPTIONS).blocks[2] as SectionBlock;
    const overflow = row.accessory as Overflow;
    expect(overflow.action_id).toBe(INCIDENT_ACTIONS.listOverflow);
    const values = overflow.options
      .filter((o) => o.value)
      .map((o) => decodeMetadata(ListOverflowValue, o.value));
    expect(values).toEqual([
      { a: 'ack', id: view.id },
      { a: 'resolve', id: view.id },
    ]);
    expect(overflow.options.map((o) => o.url)).toEqual([undefined, undefined]);
  });

  it('offers a Resolve button once acknowledged (an overflow needs two options), nothing once resolved', () => {
    const acked = incidentView({ status: 'acknowledged' });
    const row = incidentList([acked], TEST_OPTIONS).blocks[2] as SectionBlock;
    expect(row.accessory).toEqual({
      type: 'button',
      action_id: INCIDENT_ACTIONS.resolve,
      text: { type: 'plain_text', text: 'Resolve', emoji: true },
      value: acked.id,
    });
    const resolved = incidentList([incidentView({ status: 'resolved' })], TEST_OPTIONS)
      .blocks[2] as SectionBlock;
    expect(resolved.accessory).toBeUndefined();
    expect(checkLimits('message', incidentList([acked], TEST_OPTIONS))).toEqual([]);
  });

  it('truncates long lists with "and N more"', () => {
    const many = Array.from({ length: 30 }, (_, i) => incidentView({ id: `id-${i}`, number: i }));
    const list = incidentList(many, { ...TEST_OPTIONS, max: 10 });
    const last = list.blocks.at(-1) as ContextBlock;
    expect(last.elements[0]).toMatchObject({
      text: '… and 20 more — narrow the list with `/incident list SERVICE` or `/incident list P1`',
    });
    expect(checkLimits('message', list)).toEqual([]);
  });

  it('has an empty state', () => {
    expect(incidentList([], TEST_OPTIONS).text).toBe('No open incidents.');
  });
});
