import { describe, expect, it } from '@jest/globals';
import type { InputBlock, StaticSelect } from '@slack/types';
import { INCIDENT_ACTIONS, ROLE_INPUTS, UPDATE_INPUTS, VIEWS } from './ids.js';
import { incidentCard } from './incident-card.blocks.js';
import { cardMoreOptions } from './incident-card-more.blocks.js';
import {
  roleModal,
  rolesLine,
  statusUpdateMessage,
  statusUpdateModal,
  updateReminderDm,
} from './incident-updates.blocks.js';
import { checkLimits } from './limits.js';
import { incidentView } from './view-fixtures.js';

const opts = { now: new Date('2026-03-02T10:00:00Z'), baseUrl: 'https://opswatch.example.com' };
const input = (blocks: unknown[], id: string) =>
  blocks.find((b) => (b as InputBlock).block_id === id) as InputBlock;
const roles = {
  commander: { name: 'Bob', slackUserId: 'U0BOB' },
  communications: { name: 'Ann', slackUserId: null },
  scribe: null,
};

describe('roles on the card', () => {
  it('reads "Commander @bob · Comms Ann · Scribe —", and is left out when nobody holds a role', () => {
    expect(rolesLine(roles)).toBe(':busts_in_silhouette: Commander <@U0BOB> · Comms *Ann* · Scribe —');
    expect(rolesLine({ commander: null, communications: null, scribe: null })).toBeNull();
    expect(rolesLine(undefined)).toBeNull();
    const card = incidentCard(incidentView({ roles }), opts);
    expect(JSON.stringify(card.blocks)).toContain('Commander <@U0BOB>');
    expect(JSON.stringify(incidentCard(incidentView(), opts).blocks)).not.toContain('Commander');
    expect(checkLimits('message', card)).toEqual([]);
  });

  it('offers "Set a role…" and "Follow" in the card\'s More menu while open', () => {
    expect(cardMoreOptions(incidentView()).map((o) => o.a)).toEqual([
      'channel',
      'silence',
      'follow',
      'role',
      'merge',
    ]);
    expect(cardMoreOptions(incidentView({ status: 'resolved' }))).toEqual([]);
  });
});

describe('role modal', () => {
  it('asks for the role and an optional person (empty clears it), within Slack limits', () => {
    const view = roleModal({ incident: incidentView({ roles }), privateMetadata: '{"incidentId":"i"}' });
    expect(view.callback_id).toBe(VIEWS.role);
    const role = input(view.blocks, ROLE_INPUTS.role.blockId).element as StaticSelect;
    expect(role.options?.map((o) => o.value)).toEqual(['commander', 'communications', 'scribe']);
    expect(role.initial_option?.value).toBe('commander');
    const user = input(view.blocks, ROLE_INPUTS.user.blockId);
    expect(user.optional).toBe(true);
    expect(user.element).toMatchObject({ type: 'users_select', initial_user: 'U0BOB' });
    expect(checkLimits('modal', view)).toEqual([]);
  });
});

describe('status update modal', () => {
  it('asks for a status (the last one chosen) and a required message, within Slack limits', () => {
    const view = statusUpdateModal({
      incident: incidentView({ title: 'x'.repeat(3000) }),
      privateMetadata: '{"incidentId":"i"}',
      status: 'identified',
    });
    expect(view.callback_id).toBe(VIEWS.statusUpdate);
    const status = input(view.blocks, UPDATE_INPUTS.status.blockId).element as StaticSelect;
    expect(status.options?.map((o) => o.value)).toEqual([
      'investigating',
      'identified',
      'monitoring',
      'resolved',
    ]);
    expect(status.initial_option?.value).toBe('identified');
    const message = input(view.blocks, UPDATE_INPUTS.message.blockId);
    expect(message.optional).toBeUndefined();
    expect(message.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 3000 });
    expect(checkLimits('modal', view)).toEqual([]);
  });

  it('refuses private metadata Slack would refuse', () => {
    expect(() => statusUpdateModal({ incident: incidentView(), privateMetadata: 'x'.repeat(3001) })).toThrow(
      'private_metadata',
    );
  });
});

describe('status update and reminder messages', () => {
  it("renders a follower's status update from its data, within limits even when long", () => {
    const msg = statusUpdateMessage(
      {
        ref: 'INC-42',
        title: 'Checkout slow',
        severity: 1,
        drill: false,
        status: 'monitoring',
        message: 'Rolled back; <watching> & waiting\nnext update 10:30',
        authorName: 'Alice',
        at: new Date('2026-03-02T10:00:00Z'),
      },
      opts,
    );
    expect(msg.text).toBe(
      'INC-42 status update (Monitoring): Rolled back; <watching> & waiting\nnext update 10:30',
    );
    const body = JSON.stringify(msg.blocks);
    expect(body).toContain('*INC-42*');
    expect(body).toContain('&lt;watching&gt; &amp; waiting');
    expect(checkLimits('message', msg)).toEqual([]);
    const long = statusUpdateMessage(
      {
        ref: 'INC-42',
        title: 't'.repeat(500),
        severity: 2,
        drill: true,
        status: 'identified',
        message: 'm'.repeat(3000),
        authorName: 'A'.repeat(200),
        at: opts.now,
      },
      opts,
    );
    expect(long.text.startsWith('DRILL INC-42')).toBe(true);
    expect(checkLimits('message', long)).toEqual([]);
  });

  it('reminds with the command and a "Post update" button', () => {
    const msg = updateReminderDm({
      incidentId: 'inc-1',
      ref: 'INC-42',
      title: 'Checkout slow',
      silentMinutes: 30,
    });
    expect(msg.text).toBe('INC-42 has had no status update for 30 min: /incident update INC-42');
    expect(msg.blocks[1]).toMatchObject({
      type: 'actions',
      elements: [{ action_id: INCIDENT_ACTIONS.postUpdate, value: 'inc-1' }],
    });
    expect(checkLimits('message', msg)).toEqual([]);
  });
});
