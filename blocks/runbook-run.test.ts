import { describe, expect, it } from '@jest/globals';
import type { ActionsBlock, SectionBlock } from '@slack/types';
import { RUNBOOK_RUN_ACTIONS } from './ids.js';
import { checkLimits } from './limits.js';
import { decodeMetadata } from './metadata.js';
import { type RunView, runButtonSchema, runbookRunMessage } from './runbook-run.blocks.js';

const RUN_ID = '0b9f3c9e-4a59-4f3e-9a57-6c1d1f3f6a11';
const view = (o: Partial<RunView>): RunView => ({
  id: RUN_ID,
  incidentRef: 'INC-42',
  runbook: 'checkout-api',
  action: 'restart-api',
  title: 'Restart the API',
  actionKind: 'http',
  stage: 'approval',
  error: null,
  requestedBy: 'alice',
  approval: 'two',
  approvedBy: ['bob'],
  approvalExpiresAt: new Date('2026-03-02T09:30:00Z'),
  history: [
    {
      stage: 'preflight',
      at: new Date('2026-03-02T09:00:00Z'),
      actor: 'alice',
      outcome: 'requested',
      error: null,
    },
    {
      stage: 'approval',
      at: new Date('2026-03-02T09:00:05Z'),
      actor: 'OpsWatch',
      outcome: 'passed: reachable',
      error: null,
    },
  ],
  ...o,
});

describe('runbook run message', () => {
  it('waiting for approval: who asked, how many approved, until when, and Approve/Reject carrying the run', () => {
    const m = runbookRunMessage(view({}));
    expect((m.blocks[0] as SectionBlock).text?.text).toBe(
      '*Runbook checkout-api · Restart the API* (restart-api, http) on INC-42\n:raised_hand: Waiting for approval (1 of 2, until 09:30 UTC)',
    );
    const actions = m.blocks.at(-1) as ActionsBlock;
    expect(actions.elements.map((e) => (e as { action_id: string }).action_id)).toEqual([
      RUNBOOK_RUN_ACTIONS.approve,
      RUNBOOK_RUN_ACTIONS.reject,
    ]);
    expect(decodeMetadata(runButtonSchema, (actions.elements[0] as { value: string }).value)).toEqual({
      runId: RUN_ID,
    });
    expect(checkLimits('message', m)).toEqual([]);
  });

  it('a failed run shows the error and no buttons', () => {
    const m = runbookRunMessage(view({ stage: 'failed', error: 'Execute: POST ci/restart answered 503' }));
    expect((m.blocks[0] as SectionBlock).text?.text).toContain(
      ':x: Failed: Execute: POST ci/restart answered 503',
    );
    expect(m.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(m.text).toBe('Runbook checkout-api · Restart the API: :x: Failed');
  });

  it('stays within Slack’s limits with long errors and a long history', () => {
    const step = {
      stage: 'verify',
      at: new Date('2026-03-02T09:00:00Z'),
      actor: 'x',
      outcome: 'y'.repeat(2000),
      error: 'e'.repeat(2000),
    };
    const m = runbookRunMessage(view({ error: 'z'.repeat(5000), history: Array(40).fill(step) }));
    expect(checkLimits('message', m)).toEqual([]);
  });
});
