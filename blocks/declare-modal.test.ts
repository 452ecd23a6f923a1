import { describe, expect, it } from '@jest/globals';
import type { InputBlock, PlainTextInput, StaticSelect } from '@slack/types';
import { declareModal, noteModal } from './declare-modal.blocks.js';
import { DECLARE_INPUTS, NOTE_INPUTS, VIEWS } from './ids.js';
import { checkLimits } from './limits.js';
import { incidentView } from './view-fixtures.js';

function input(blocks: unknown[], blockId: string): InputBlock {
  return blocks.find((b) => (b as InputBlock).block_id === blockId) as InputBlock;
}

describe('declareModal', () => {
  it('asks for title, service, severity (default P3) and an optional description', () => {
    const view = declareModal({ services: ['payments', 'checkout'], privateMetadata: '{"channel":"C1"}' });
    expect(view.callback_id).toBe(VIEWS.declare);
    expect(view.private_metadata).toBe('{"channel":"C1"}');
    expect(view.blocks.map((b) => b.block_id)).toEqual([
      DECLARE_INPUTS.title.blockId,
      DECLARE_INPUTS.service.blockId,
      DECLARE_INPUTS.severity.blockId,
      DECLARE_INPUTS.description.blockId,
    ]);
    const service = input(view.blocks, DECLARE_INPUTS.service.blockId).element as StaticSelect;
    expect(service.options?.map((o) => o.value)).toEqual(['checkout', 'payments']);
    const severity = input(view.blocks, DECLARE_INPUTS.severity.blockId).element as StaticSelect;
    expect(severity.action_id).toBe(DECLARE_INPUTS.severity.actionId);
    expect(severity.options?.map((o) => o.text.text)).toEqual([
      'P1 · Critical',
      'P2 · High',
      'P3 · Moderate',
      'P4 · Low',
      'P5 · Info',
    ]);
    expect(severity.initial_option?.value).toBe('3');
    expect(input(view.blocks, DECLARE_INPUTS.description.blockId).optional).toBe(true);
    expect(checkLimits('modal', view)).toEqual([]);
  });

  it('falls back to free text without services and pre-fills initial values', () => {
    const view = declareModal({
      services: [],
      initial: { title: 'DB down', service: 'db', severity: 1 },
      privateMetadata: '{}',
    });
    const service = input(view.blocks, DECLARE_INPUTS.service.blockId).element as PlainTextInput;
    expect(service).toMatchObject({ type: 'plain_text_input', initial_value: 'db' });
    const title = input(view.blocks, DECLARE_INPUTS.title.blockId).element as PlainTextInput;
    expect(title.initial_value).toBe('DB down');
    const severity = input(view.blocks, DECLARE_INPUTS.severity.blockId).element as StaticSelect;
    expect(severity.initial_option?.value).toBe('1');
  });

  it('groups more than 100 services and keeps the initial one selected', () => {
    const services = Array.from({ length: 150 }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
    const view = declareModal({ services, initial: { service: 'svc-120' }, privateMetadata: '{}' });
    const select = input(view.blocks, DECLARE_INPUTS.service.blockId).element as StaticSelect;
    expect(select.options).toBeUndefined();
    expect(select.option_groups?.map((g) => g.options.length)).toEqual([100, 50]);
    expect(select.option_groups?.[0]?.label.text).toBe('svc-000 – svc-099');
    expect(select.initial_option?.value).toBe('svc-120');
  });

  it('refuses metadata Slack would reject', () => {
    expect(() => declareModal({ services: [], privateMetadata: 'x'.repeat(3001) })).toThrow(/3000/);
  });
});

describe('noteModal', () => {
  it('names the incident and asks for the note', () => {
    const view = noteModal({ incident: incidentView(), privateMetadata: '{"id":"x"}' });
    expect(view.callback_id).toBe(VIEWS.note);
    expect(JSON.stringify(view.blocks[0])).toContain('*INC-42* Checkout returns 502');
    expect(input(view.blocks, NOTE_INPUTS.note.blockId).element).toMatchObject({
      action_id: NOTE_INPUTS.note.actionId,
      multiline: true,
    });
    expect(checkLimits('modal', view)).toEqual([]);
  });
});
