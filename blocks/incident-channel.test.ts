import { describe, expect, it } from '@jest/globals';
import type { ContextBlock } from '@slack/types';
import { incidentCard } from './incident-card.blocks.js';
import { channelBookmarks, channelLine, channelSummary } from './incident-channel.blocks.js';
import { checkLimits } from './limits.js';
import { incidentView, TEST_OPTIONS } from './view-fixtures.js';

const channel = { id: 'C0INC42', name: 'inc-42-checkout-slow', archived: false };

describe('the card and its incident channel', () => {
  it('shows "Channel: #inc-42-…" once the channel exists, nothing while it is being made', () => {
    expect(channelLine(channel)).toBe(':speech_balloon: Channel: <#C0INC42|inc-42-checkout-slow>');
    expect(channelLine({ ...channel, archived: true })).toContain('(archived)');
    expect(channelLine({ id: null, name: null, archived: false })).toBeNull();
    expect(channelLine(null)).toBeNull();
    const { blocks } = incidentCard(incidentView({ channel }), TEST_OPTIONS);
    const contexts = blocks.filter((b): b is ContextBlock => b.type === 'context');
    expect(contexts.flatMap((b) => b.elements.map((e) => ('text' in e ? e.text : '')))).toContain(
      ':speech_balloon: Channel: <#C0INC42|inc-42-checkout-slow>',
    );
  });
});

describe('the channel summary', () => {
  it('says what the incident is, who owns it and its links, within Slack limits', () => {
    const view = incidentView({
      assignee: { name: 'Bob', slackUserId: 'U0BOB' },
      links: [{ href: 'https://runbooks.example.com/x', text: 'Runbook' }],
    });
    const msg = channelSummary(view, TEST_OPTIONS);
    expect(msg.text).toBe(`INC-42 ${view.title}`);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain('<@U0BOB>');
    expect(text).toContain('<https://runbooks.example.com/x|Runbook>');
    expect(checkLimits('message', msg)).toEqual([]);
    const huge = channelSummary(
      incidentView({ title: 'x'.repeat(600), description: 'y'.repeat(5000) }),
      TEST_OPTIONS,
    );
    expect(checkLimits('message', huge)).toEqual([]);
  });

  it('bookmarks each http(s) link once, titled by its text', () => {
    expect(
      channelBookmarks([
        { href: 'https://runbooks.example.com/x', text: 'Runbook' },
        { href: 'https://runbooks.example.com/x', text: 'Again' },
        { href: 'javascript:alert(1)', text: 'Bad' },
        { href: 'https://grafana.example.com/d/1', text: '' },
      ]),
    ).toEqual([
      { title: 'Runbook', link: 'https://runbooks.example.com/x' },
      { title: 'https://grafana.example.com/d/1', link: 'https://grafana.example.com/d/1' },
    ]);
  });
});
