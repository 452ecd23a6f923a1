/** `/<command> help`: what each slash command does, as blocks. */
import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, inline, mrkdwn, plain } from './format.js';
import { joinWithin, LIMITS } from './limits.js';
import type { MessagePayload } from './types.js';

export interface HelpTopic {
  summary: string;
  /** [usage, what it does] */
  usage: readonly (readonly [string, string])[];
}

export const HELP_TOPICS = {
  incident: {
    summary: 'Declare, list and work incidents.',
    usage: [
      ['/incident declare [title]', 'Open the declare form (the title is pre-filled)'],
      ['/incident list', 'Open incidents, most severe first, with Acknowledge/Resolve'],
      ['/incident ack INC-42', 'Acknowledge an incident: paging stops'],
      [
        '/incident resolve INC-42 [what fixed it]',
        'Resolve an incident: without a note, a form asks what fixed it and its root cause for the knowledge base',
      ],
      ['/incident assign INC-42 @someone', 'Change who owns it'],
      ['/incident note INC-42 text', 'Add a note to the timeline'],
      ['/incident escalate INC-42', 'Page the next step of its escalation policy now'],
      [
        '/incident role INC-42 commander @someone',
        'Give a role (commander, comms, scribe; `clear` to clear it); without a role: the role form',
      ],
      ['/incident update INC-42', 'Post a status update to the thread and everyone following'],
      ['/incident follow INC-42 [#channel]', 'Get its status updates by DM (or in a channel)'],
      ['/incident unfollow INC-42 [#channel]', 'Stop getting its status updates'],
      ['/incident drill service [P1-P5]', 'A fire drill: an incident marked DRILL that pages for real'],
      ['/incident merge INC-43 INC-41', 'Merge a duplicate into another open incident: its alerts go there'],
      ['/incident channel INC-42', 'Open its own channel (#inc-42-…): responders invited, summary pinned'],
      ['/incident severity INC-42 P1', 'Change its severity'],
      ['/incident rename INC-42 new title', 'Change its title (and its channel’s name)'],
      ['/incident help', 'This help'],
    ],
  },
  oncall: {
    summary:
      'Who is on call, now and next; cover a shift with an override. Times are in your Slack time zone.',
    usage: [
      ['/oncall', 'Who is on call now for every schedule, and until when'],
      ['/oncall schedule-name', 'Who is on call for one schedule, until when, and its next shifts'],
      ['/oncall at time', 'Who is on call then, e.g. `at tomorrow 09:00`, `at +2h`, `at friday 17:00`'],
      ['/oncall me', 'Your current and next shifts'],
      ['/oncall override [schedule-name]', 'Cover someone’s shifts (or a whole schedule) for a while'],
      [
        '/oncall contact',
        'How you get paged: add a phone (SMS, calls), edit your notification rules, send yourself a test page',
      ],
      ['/oncall schedules', 'Every schedule: zone, layers, channel and gaps in the next 14 days'],
      [
        '/oncall simulate service [at time]',
        'Who would be paged, how and when, if the service’s incident triggered then and nobody acknowledged',
      ],
      ['/oncall help', 'This help'],
    ],
  },
  heartbeat: {
    summary:
      'Heartbeat monitors (dead-man’s switches): a cron job, backup or Alertmanager Watchdog that stops pinging opens an incident.',
    usage: [
      ['/heartbeat list', 'Every monitor: up, late, down or paused, its last ping and when the next is due'],
      ['/heartbeat help', 'This help'],
    ],
  },
  silence: {
    summary:
      'Silence alerts by label matchers (as in Alertmanager): matching alerts are stored but open no incident and page nobody.',
    usage: [
      ['/silence service=checkout 2h deploy', 'Silence matching alerts for 2h (30m, 1d…), with a reason'],
      [
        '/silence alertname=~"High.*" env!=staging 30m load test',
        'Matchers: `=`, `!=`, `=~`, `!~` (regexes match whole values)',
      ],
      ['/silence list', 'Active and pending silences, with their ids'],
      ['/silence expire id', 'End a silence now: alerts it held that still fire open their incidents'],
      ['/silence help', 'This help'],
    ],
  },
  runbook: {
    summary: 'Runbooks: what to check and what to do, attached to the incidents they match.',
    usage: [
      ['/runbook list [service]', 'All runbooks, or those of a service'],
      ['/runbook show slug', 'One runbook: its checks, actions and remediation (long ones open in a window)'],
      ['/runbook run slug [INC-42]', 'Run one of its actions for an incident (approval as its policy says)'],
      ['/runbook help', 'This help'],
    ],
  },
  kb: {
    summary:
      'What fixed this last time: the knowledge base, one entry per incident signature (service and alert names).',
    usage: [
      ['/kb search words', 'Search it: words, "an exact phrase", -without'],
      ['/kb show KB-3', 'One entry: symptoms, resolution, occurrences, mean time to resolve'],
      ['/kb help', 'This help'],
    ],
  },
  postmortem: {
    summary:
      'Postmortems drafted from what OpsWatch recorded: timeline, MTTD/MTTA/MTTR, owner, services; edit each section, review, publish.',
    usage: [
      ['/postmortem INC-42', 'Open the postmortem of a resolved incident (its draft is made the first time)'],
      ['/postmortem actions', 'Open action items of every postmortem, with Close'],
      ['/postmortem actions mine', 'Your open action items'],
      ['/postmortem help', 'This help'],
    ],
  },
  sla: {
    summary:
      'SLAs and error budgets: each service’s objective, attainment over its window (30 days or the quarter), budget left, burn and trend.',
    usage: [
      ['/sla', 'Every SLA, the ones with the least budget left first'],
      ['/sla service', 'One service’s SLAs'],
      ['/sla help', 'This help'],
    ],
  },
  opswatch: {
    summary: 'Administration (admins only).',
    usage: [
      ['/opswatch status', 'Health: database, Slack, telephony, last engine tick'],
      ['/opswatch link @someone email', 'Link a Slack user to an OpsWatch user'],
      ['/opswatch help', 'This help'],
    ],
  },
} as const satisfies Record<string, HelpTopic>;

export type HelpCommand = keyof typeof HELP_TOPICS;

export function isHelpCommand(name: string): name is HelpCommand {
  return Object.hasOwn(HELP_TOPICS, name.replace(/^\//, ''));
}

/**
 * Help for one slash command (`incident`, `/oncall`, …). With `unknown`, it starts by saying that
 * subcommand was not understood.
 */
export function helpBlocks(
  command: HelpCommand | `/${HelpCommand}`,
  opts: { unknown?: string } = {},
): MessagePayload {
  const name = command.replace(/^\//, '') as HelpCommand;
  const topic: HelpTopic = HELP_TOPICS[name];
  const blocks: KnownBlock[] = [];
  if (opts.unknown !== undefined) {
    const what = inline(opts.unknown, 200, '(nothing)');
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `:thinking_face: I don't know \`/${name} ${what}\`. Here is what I can do:`,
        LIMITS.sectionText,
      ),
    });
  }
  blocks.push({ type: 'header', text: plain(`/${name}`, LIMITS.headerText) });
  blocks.push({ type: 'section', text: mrkdwn(escapeMrkdwn(topic.summary), LIMITS.sectionText) });
  const lines = topic.usage.map(([usage, what]) => `\`${escapeMrkdwn(usage)}\` — ${escapeMrkdwn(what)}`);
  blocks.push({
    type: 'section',
    text: mrkdwn(
      joinWithin(lines, '\n', LIMITS.sectionText, (n) => `… and ${n} more`),
      LIMITS.sectionText,
    ),
  });
  const others = (Object.keys(HELP_TOPICS) as HelpCommand[])
    .filter((c) => c !== name)
    .map((c) => `\`/${c} help\``);
  blocks.push({ type: 'context', elements: [mrkdwn(`See also: ${others.join(' · ')}`, LIMITS.textObject)] });
  return { text: `/${name}: ${topic.summary}`, blocks };
}
