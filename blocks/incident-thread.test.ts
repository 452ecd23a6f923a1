import { describe, expect, it } from '@jest/globals';
import type { SectionBlock } from '@slack/types';
import { timelineReply } from './incident-thread.blocks.js';
import { checkLimits } from './limits.js';
import { incidentView, TEST_OPTIONS, timelineItem } from './view-fixtures.js';

describe('timelineReply', () => {
  it('mentions the actor when they have a Slack id', () => {
    const reply = timelineReply(timelineItem(), incidentView(), TEST_OPTIONS);
    expect((reply.blocks[0] as SectionBlock).text?.text).toBe(':eyes: <@U0ALICE> acknowledged *INC-42*');
    expect(reply.text).toBe('Alice acknowledged INC-42');
  });

  it('names actors without a Slack id and quotes notes', () => {
    const item = timelineItem({
      actorSlackId: null,
      actorName: 'Bob',
      kind: 'note',
      message: 'Restarted web-1\nLooks good',
    });
    const reply = timelineReply(item, incidentView(), TEST_OPTIONS);
    expect((reply.blocks[0] as SectionBlock).text?.text).toBe(
      ':memo: *Bob* added a note to *INC-42*\n> Restarted web-1\n> Looks good',
    );
  });

  it('reads a re-trigger as "re-triggered"', () => {
    const item = timelineItem({
      kind: 'retriggered',
      actorName: 'Alertmanager',
      actorSlackId: null,
      message: '',
    });
    expect((timelineReply(item, incidentView(), TEST_OPTIONS).blocks[0] as SectionBlock).text?.text).toBe(
      ':repeat: *Alertmanager* re-triggered *INC-42*',
    );
  });

  it('reads unknown kinds as words and stays within limits', () => {
    const item = timelineItem({ kind: 'runbook_attached', message: 'x'.repeat(10_000) });
    const reply = timelineReply(item, incidentView(), TEST_OPTIONS);
    expect((reply.blocks[0] as SectionBlock).text?.text).toMatch(
      /^:small_blue_diamond: <@U0ALICE> runbook attached \*INC-42\*/,
    );
    expect(checkLimits('message', reply)).toEqual([]);
  });
});
