/**
 * Running a big incident in Slack: the card's roles line, the role and status update modals, a status update as
 * its followers get it (DM or channel post), and the reminder that an update is due.
 */
import type { ContextBlock, InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { AppError } from '../src/shared/errors.js';
import { escapeMrkdwn, incidentRef, inline, mrkdwn, person, plain, severityOf, slackDate } from './format.js';
import { INCIDENT_ACTIONS, ROLE_INPUTS, UPDATE_INPUTS, VIEWS } from './ids.js';
import { LIMITS, truncate } from './limits.js';
import { DRILL_MARK } from './page.blocks.js';
import type {
  BlockOptions,
  IncidentRoleName,
  IncidentRolesView,
  IncidentView,
  MessagePayload,
  StatusUpdateView,
  UpdateStatusName,
} from './types.js';

export const ROLE_NAMES: Record<IncidentRoleName, { label: string; short: string }> = {
  commander: { label: 'Commander', short: 'Commander' },
  communications: { label: 'Communications', short: 'Comms' },
  scribe: { label: 'Scribe', short: 'Scribe' },
};

export const UPDATE_STATUS_NAMES: Record<UpdateStatusName, { label: string; emoji: string }> = {
  investigating: { label: 'Investigating', emoji: ':mag:' },
  identified: { label: 'Identified', emoji: ':dart:' },
  monitoring: { label: 'Monitoring', emoji: ':eyes:' },
  resolved: { label: 'Resolved', emoji: ':white_check_mark:' },
};

export const UPDATE_MESSAGE_MAX_LENGTH = 3000;

function checkMetadata(privateMetadata: string): string {
  if (privateMetadata.length > LIMITS.privateMetadata)
    throw new AppError(
      'too_large',
      `private_metadata is ${privateMetadata.length} characters; Slack allows 3000.`,
    );
  return privateMetadata;
}
const ROLE_ORDER: IncidentRoleName[] = ['commander', 'communications', 'scribe'];

/** "Commander @bob · Comms @ann · Scribe —", or null when nobody holds a role. */
export function rolesLine(roles: IncidentRolesView | undefined): string | null {
  if (!roles || ROLE_ORDER.every((r) => !roles[r])) return null;
  return `:busts_in_silhouette: ${ROLE_ORDER.map((r) => {
    const p = roles[r];
    return `${ROLE_NAMES[r].short} ${p ? person(p.name, p.slackUserId) : '—'}`;
  }).join(' · ')}`;
}

/** The card's roles line as a context block, or null. */
export function rolesBlock(roles: IncidentRolesView | undefined): ContextBlock | null {
  const line = rolesLine(roles);
  return line ? { type: 'context', elements: [mrkdwn(line, LIMITS.textObject)] } : null;
}

const option = (text: string, value: string): PlainTextOption => ({
  text: plain(text, LIMITS.optionText),
  value,
});

const heading = (incident: IncidentView): KnownBlock => ({
  type: 'section',
  text: mrkdwn(
    `*${incidentRef(incident.number)}* ${inline(incident.title, 500, 'Untitled incident')}`,
    LIMITS.sectionText,
  ),
});

/** "Set a role" (callback `VIEWS.role`): which role, and who holds it (nobody: the role is cleared). */
export function roleModal(input: {
  incident: IncidentView;
  privateMetadata: string;
  role?: IncidentRoleName;
}): ModalView {
  const options = ROLE_ORDER.map((r) => option(ROLE_NAMES[r].label, r));
  const initial = options[ROLE_ORDER.indexOf(input.role ?? 'commander')];
  const holder = input.incident.roles?.[input.role ?? 'commander']?.slackUserId;
  const roleBlock: InputBlock = {
    type: 'input',
    block_id: ROLE_INPUTS.role.blockId,
    label: plain('Role', LIMITS.inputLabel),
    element: {
      type: 'static_select',
      action_id: ROLE_INPUTS.role.actionId,
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
  const userBlock: InputBlock = {
    type: 'input',
    block_id: ROLE_INPUTS.user.blockId,
    label: plain('Who', LIMITS.inputLabel),
    optional: true,
    hint: plain('Leave empty to clear the role. Someone else holding it is replaced.', LIMITS.inputHint),
    element: {
      type: 'users_select',
      action_id: ROLE_INPUTS.user.actionId,
      placeholder: plain('Choose a person', LIMITS.placeholder),
      ...(holder ? { initial_user: holder } : {}),
    },
  };
  const current = rolesLine(input.incident.roles);
  const blocks: KnownBlock[] = [heading(input.incident)];
  if (current) blocks.push({ type: 'context', elements: [mrkdwn(current, LIMITS.textObject)] });
  blocks.push(roleBlock, userBlock);
  return {
    type: 'modal',
    callback_id: VIEWS.role,
    private_metadata: checkMetadata(input.privateMetadata),
    title: plain('Set a role', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}

/** "Status update" (callback `VIEWS.statusUpdate`): the status and a message, required. */
export function statusUpdateModal(input: {
  incident: IncidentView;
  privateMetadata: string;
  status?: UpdateStatusName;
}): ModalView {
  const names = Object.keys(UPDATE_STATUS_NAMES) as UpdateStatusName[];
  const options = names.map((s) => option(`${UPDATE_STATUS_NAMES[s].label}`, s));
  const initial = options[names.indexOf(input.status ?? 'investigating')];
  const blocks: KnownBlock[] = [
    heading(input.incident),
    {
      type: 'input',
      block_id: UPDATE_INPUTS.status.blockId,
      label: plain('Status', LIMITS.inputLabel),
      hint: plain('Resolved also resolves the incident.', LIMITS.inputHint),
      element: {
        type: 'static_select',
        action_id: UPDATE_INPUTS.status.actionId,
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    },
    {
      type: 'input',
      block_id: UPDATE_INPUTS.message.blockId,
      label: plain('Message', LIMITS.inputLabel),
      hint: plain('Posted under the card and sent to everyone following the incident.', LIMITS.inputHint),
      element: {
        type: 'plain_text_input',
        action_id: UPDATE_INPUTS.message.actionId,
        multiline: true,
        max_length: UPDATE_MESSAGE_MAX_LENGTH,
        focus_on_load: true,
        placeholder: plain(
          'What is known, what is being done, when the next update comes',
          LIMITS.placeholder,
        ),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEWS.statusUpdate,
    private_metadata: checkMetadata(input.privateMetadata),
    title: plain('Status update', LIMITS.viewTitle),
    submit: plain('Post update', LIMITS.viewTitle),
    close: plain('Cancel', LIMITS.viewTitle),
    blocks,
  };
}

/** A status update as a follower gets it (DM, or a post in a channel that follows the incident). */
export function statusUpdateMessage(view: StatusUpdateView, opts: BlockOptions): MessagePayload {
  const sev = severityOf(view.severity);
  const st = UPDATE_STATUS_NAMES[view.status];
  const { ref } = view;
  const drill = view.drill ? `${DRILL_MARK} · ` : '';
  const title = inline(view.title, 300, 'Untitled incident');
  const headline = `${drill}:mega: *${ref}* ${sev.emoji} ${title} — ${st.emoji} *${st.label}*`;
  const body = truncate(escapeMrkdwn(view.message.trim()), 2500)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', text: mrkdwn(`${headline}\n${body}`, LIMITS.sectionText) },
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Posted by ${person(view.authorName)} ${slackDate(view.at, opts)} · stop with \`/incident unfollow ${ref} [#channel]\``,
          LIMITS.textObject,
        ),
      ],
    },
  ];
  const text = truncate(
    `${view.drill ? 'DRILL ' : ''}${ref} status update (${st.label}): ${view.message.trim()}`,
    3000,
  );
  return { text, blocks };
}

/** The DM reminding someone that an update is due, with a "Post update" button opening the modal. */
export function updateReminderDm(view: {
  incidentId: string;
  ref: string;
  title: string;
  silentMinutes: number;
}): MessagePayload {
  const { ref } = view;
  const text = `${ref} has had no status update for ${view.silentMinutes} min: /incident update ${ref}`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `:hourglass_flowing_sand: *${ref}* ${inline(view.title, 300, 'Untitled incident')} has had no status update for *${view.silentMinutes} min*. The people waiting need one: \`/incident update ${ref}\``,
        LIMITS.sectionText,
      ),
    },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: INCIDENT_ACTIONS.postUpdate,
          text: plain('Post update', LIMITS.buttonText),
          style: 'primary',
          value: view.incidentId,
        },
      ],
    },
  ];
  return { text, blocks };
}
