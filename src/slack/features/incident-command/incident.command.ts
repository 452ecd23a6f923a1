import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { channelMention } from '../../../../blocks/format.js';
import { helpBlocks } from '../../../../blocks/help.blocks.js';
import { incidentCard } from '../../../../blocks/incident-card.blocks.js';
import { incidentList } from '../../../../blocks/incident-list.blocks.js';
import { rolesLine } from '../../../../blocks/incident-updates.blocks.js';
import { listFilterSchema } from '../../../domains/incidents/index.js';
import { AppError, parseInput } from '../../../shared/errors.js';
import { actorOf, blockOptions, type SlackDeps } from '../../context.js';
import type { IdentityResolver } from '../../identity.js';
import { toIncidentView } from '../../incident-view.mapper.js';
import { tellUser } from '../../surface.js';
import { openRoleModal, openUpdateModal } from '../incident-buttons/coordination-modals.js';
import { incidentAction } from '../incident-buttons/incident-action.js';
import { openResolveForm } from '../knowledge/open-resolve.js';
import { editIncident, openChannel } from './channel-commands.js';
import { parseIncidentCommand } from './incident-command.calc.js';
import { openDeclareModal } from './open-declare.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/incident <subcommand>`: acked at once, answered ephemerally; the work happens after the ack. */
export function incidentCommand(deps: SlackDeps, identify: IdentityResolver) {
  return async ({ ack, command, body, context, client }: Args): Promise<void> => {
    await ack();
    const cmd = parseIncidentCommand(command.text);
    const b = body as unknown as Record<string, unknown>;
    const say = (text: string, blocks?: Parameters<typeof tellUser>[2]['blocks']) =>
      tellUser(client, b, blocks ? { text, blocks } : { text });
    switch (cmd.sub) {
      case 'help': {
        const help = helpBlocks('incident');
        return say(help.text, help.blocks);
      }
      case 'unknown': {
        const help = helpBlocks('incident', { unknown: cmd.text });
        return say(help.text, help.blocks);
      }
      case 'usage':
        throw AppError.validation(cmd.message);
      case 'declare':
        return openDeclareModal(client, command.trigger_id, {
          title: cmd.title,
          channel: command.channel_id,
        });
    }
    const actor = await actorOf(context);
    const { incidents } = deps.services;
    switch (cmd.sub) {
      case 'list': {
        const filter = parseInput(
          listFilterSchema,
          {
            status: 'open',
            limit: '45',
            ...(cmd.service ? { service: cmd.service } : {}),
            ...(cmd.severity ? { severity: String(cmd.severity) } : {}),
          },
          'The list filter is not valid.',
        );
        const page = await incidents.list(actor, filter);
        const title = `Open incidents${cmd.service ? ` · ${cmd.service}` : ''}${cmd.severity ? ` · P${cmd.severity}` : ''}`;
        const msg = incidentList(page.items.map(toIncidentView), { ...blockOptions(deps), title });
        return say(msg.text, msg.blocks);
      }
      case 'show': {
        const msg = incidentCard(toIncidentView(await incidents.get(actor, cmd.ref)), blockOptions(deps));
        return say(msg.text, msg.blocks);
      }
      case 'ack': {
        const done = await incidentAction(deps, client, b, actor, cmd.ref, () =>
          incidents.acknowledge(actor, cmd.ref),
        );
        if (done) await say(`:eyes: You acknowledged ${done.ref}.`);
        return;
      }
      case 'resolve': {
        // Without a note: the resolve form (what fixed it, root cause, knowledge base). With one: the note is what
        // fixed it, and it goes to the knowledge base as the form's default says.
        if (!cmd.note) {
          const incident = await incidents.get(actor, cmd.ref);
          if (incident.status !== 'resolved')
            return openResolveForm(
              client,
              deps,
              command.trigger_id,
              actor.tenantId,
              incident,
              command.channel_id,
            );
        }
        const done = await incidentAction(deps, client, b, actor, cmd.ref, () =>
          incidents.resolve(actor, cmd.ref, cmd.note, { kb: true }),
        );
        if (done) await say(`:white_check_mark: You resolved ${done.ref}.`);
        return;
      }
      case 'assign': {
        if (/^[UW][A-Z0-9]+$/.test(cmd.user)) await identify(client, command.team_id, cmd.user);
        const done = await incidents.assign(actor, cmd.ref, cmd.user);
        return say(`:bust_in_silhouette: ${done.ref} is assigned to ${done.assignee?.name ?? cmd.user}.`);
      }
      case 'note': {
        const done = await incidents.addNote(actor, cmd.ref, cmd.text);
        return say(`:memo: Note added to ${done.ref}.`);
      }
      case 'role': {
        if (cmd.role === undefined) {
          return openRoleModal(deps, client, command.trigger_id, actor, cmd.ref, {
            channel: command.channel_id,
          });
        }
        if (cmd.user && /^[UW][A-Z0-9]+$/.test(cmd.user)) await identify(client, command.team_id, cmd.user);
        const done = await deps.services.coordination.setRole(actor, cmd.ref, {
          role: cmd.role,
          userId: cmd.user ?? null,
        });
        const line = rolesLine(toIncidentView(done).roles) ?? 'nobody holds a role now.';
        return say(`${done.ref}: ${line}`);
      }
      case 'update':
        return openUpdateModal(deps, client, command.trigger_id, actor, cmd.ref, {
          channel: command.channel_id,
        });
      case 'follow':
      case 'unfollow': {
        const r = await deps.services.coordination.follow(actor, cmd.ref, {
          ...(cmd.channel ? { channel: cmd.channel } : {}),
          follow: cmd.sub === 'follow',
        });
        const who = cmd.channel ? channelMention(cmd.channel) : 'You';
        return say(
          r.following
            ? `:bell: ${who} ${cmd.channel ? 'follows' : 'follow'} ${r.ref}: its status updates come ${cmd.channel ? 'there' : 'to you by DM'}.`
            : `:no_bell: ${who} no longer ${cmd.channel ? 'follows' : 'follow'} ${r.ref}.`,
        );
      }
      case 'merge': {
        const done = await incidents.merge(actor, cmd.ref, { into: cmd.into });
        const n = done.moved.alerts;
        return say(
          `:twisted_rightwards_arrows: ${done.merged.ref} is merged into ${done.into.ref} (${n} ${n === 1 ? 'alert' : 'alerts'} moved) and resolved.`,
        );
      }
      case 'escalate': {
        const result = await deps.services.escalation.escalate(actor, cmd.ref);
        return say(`${result.escalated ? ':arrow_double_up:' : ':information_source:'} ${result.message}`);
      }
      case 'channel':
        return say(await openChannel(deps, actor, cmd.ref, command.user_id));
      case 'severity':
        return say(await editIncident(deps, actor, cmd.ref, { severity: cmd.severity }));
      case 'rename':
        return say(await editIncident(deps, actor, cmd.ref, { title: cmd.title }));
      case 'drill': {
        const done = await incidents.declare(actor, {
          title: `Fire drill: ${cmd.service}`,
          description: 'A fire drill: acknowledge it as you would a real page, then resolve it.',
          service: cmd.service,
          environment: 'production',
          severity: cmd.severity,
          drill: true,
        });
        return say(
          `:test_tube: DRILL ${done.ref} opened for *${done.service}*: it pages for real. Acknowledge it as you would a real page, then resolve it; its closing reply tells how long acknowledging took.`,
        );
      }
    }
  };
}
