import { describe, expect, it } from '@jest/globals';
import type { HeaderBlock, SectionBlock } from '@slack/types';
import { HELP_TOPICS, helpBlocks, isHelpCommand } from './help.blocks.js';
import { checkLimits } from './limits.js';

describe('helpBlocks', () => {
  it.each(Object.keys(HELP_TOPICS))('has help for /%s within limits', (command) => {
    if (!isHelpCommand(command)) throw new Error(command);
    const help = helpBlocks(command);
    expect((help.blocks[0] as HeaderBlock).text.text).toBe(`/${command}`);
    expect(checkLimits('message', help)).toEqual([]);
  });

  it('lists the subcommands and says when one was not understood', () => {
    const help = helpBlocks('/incident', { unknown: 'frobnicate <x>' });
    expect((help.blocks[0] as SectionBlock).text?.text).toBe(
      ":thinking_face: I don't know `/incident frobnicate &lt;x&gt;`. Here is what I can do:",
    );
    expect(JSON.stringify(help.blocks)).toContain('`/incident ack INC-42` — Acknowledge an incident');
    for (const usage of [
      '/incident channel INC-42',
      '/incident severity INC-42 P1',
      '/incident rename INC-42 new title',
    ])
      expect(JSON.stringify(help.blocks)).toContain(`\`${usage}\``);
    expect(isHelpCommand('/oncall')).toBe(true);
    expect(isHelpCommand('nope')).toBe(false);
  });
});
