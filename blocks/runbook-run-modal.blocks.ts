/** "Run…": pick one of a runbook's actions to run on an incident, seeing its policy, and confirm. */
import type { KnownBlock, ModalView, StaticSelect } from '@slack/types';
import { z } from 'zod';
import { escapeMrkdwn, mrkdwn } from './format.js';
import { RUNBOOK_RUN_INPUTS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { encodeMetadata } from './metadata.js';

/** The modal's private metadata: which runbook, on which incident. */
export const RunModalMetadata = z.object({ runbook: z.string().min(1), incident: z.string().min(1) });

export interface RunModalAction {
  name: string;
  title: string;
  kind: string;
  approval: 'none' | 'one' | 'two';
}

const APPROVAL = { none: 'no approval', one: 'one approval', two: 'two approvals' } as const;
const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: truncate(text, max) });

export function runbookRunModal(v: {
  runbookId: string;
  runbookName: string;
  incidentRef: string;
  incidentId: string;
  actions: RunModalAction[];
}): ModalView {
  const options = v.actions.slice(0, LIMITS.selectOptions).map((a) => ({
    text: plain(`${a.title} (${a.kind}, ${APPROVAL[a.approval]})`, LIMITS.optionText),
    value: a.name,
  }));
  const select: StaticSelect = {
    type: 'static_select',
    action_id: RUNBOOK_RUN_INPUTS.action.actionId,
    placeholder: plain('Choose an action', LIMITS.placeholder),
    options,
  };
  const first = options[0];
  if (options.length === 1 && first) select.initial_option = first;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `Run an action of *${escapeMrkdwn(v.runbookName)}* on ${v.incidentRef}. It is dry-run first, then waits for the approvals its policy asks for.`,
        LIMITS.sectionText,
      ),
    },
    {
      type: 'input',
      block_id: RUNBOOK_RUN_INPUTS.action.blockId,
      label: plain('Action', LIMITS.inputLabel),
      element: select,
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.runbookRun,
    title: plain('Run runbook action', LIMITS.viewTitle),
    submit: plain('Run', LIMITS.buttonText),
    close: plain('Cancel', LIMITS.buttonText),
    private_metadata: encodeMetadata(RunModalMetadata, { runbook: v.runbookId, incident: v.incidentId }),
    blocks,
  };
}

/** The action picked in a submitted run modal. */
export function readRunModal(
  values: Record<string, Record<string, { selected_option?: { value: string } | null }>>,
): string {
  return (
    values[RUNBOOK_RUN_INPUTS.action.blockId]?.[RUNBOOK_RUN_INPUTS.action.actionId]?.selected_option?.value ??
    ''
  );
}
