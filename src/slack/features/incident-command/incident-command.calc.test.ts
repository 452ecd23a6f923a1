import { describe, expect, it } from '@jest/globals';
import { parseIncidentCommand } from './incident-command.calc.js';

describe('/incident parsing', () => {
  it('reads every subcommand', () => {
    expect(parseIncidentCommand('')).toEqual({ sub: 'help' });
    expect(parseIncidentCommand('declare  Checkout is down')).toEqual({
      sub: 'declare',
      title: 'Checkout is down',
    });
    expect(parseIncidentCommand('list checkout P1')).toEqual({
      sub: 'list',
      service: 'checkout',
      severity: 1,
    });
    expect(parseIncidentCommand('list')).toEqual({ sub: 'list' });
    expect(parseIncidentCommand('show INC-4')).toEqual({ sub: 'show', ref: 'INC-4' });
    expect(parseIncidentCommand('ACK inc-4')).toEqual({ sub: 'ack', ref: 'inc-4' });
    expect(parseIncidentCommand('acknowledge 4')).toEqual({ sub: 'ack', ref: '4' });
    expect(parseIncidentCommand('resolve INC-4 rolled back the deploy')).toEqual({
      sub: 'resolve',
      ref: 'INC-4',
      note: 'rolled back the deploy',
    });
    expect(parseIncidentCommand('resolve INC-4')).toEqual({ sub: 'resolve', ref: 'INC-4' });
    expect(parseIncidentCommand('assign INC-4 <@U0BOB|bob>')).toEqual({
      sub: 'assign',
      ref: 'INC-4',
      user: 'U0BOB',
    });
    expect(parseIncidentCommand('assign INC-4 bob@example.com')).toEqual({
      sub: 'assign',
      ref: 'INC-4',
      user: 'bob@example.com',
    });
    expect(parseIncidentCommand('note INC-4 disk is full\nagain')).toEqual({
      sub: 'note',
      ref: 'INC-4',
      text: 'disk is full\nagain',
    });
  });

  it('explains bad arguments and names unknown subcommands', () => {
    expect(parseIncidentCommand('ack')).toEqual({ sub: 'usage', message: 'Usage: `/incident ack INC-42`' });
    expect(parseIncidentCommand('note INC-4')).toMatchObject({ sub: 'usage' });
    expect(parseIncidentCommand('assign INC-4')).toMatchObject({ sub: 'usage' });
    expect(parseIncidentCommand('frobnicate now')).toEqual({ sub: 'unknown', text: 'frobnicate now' });
  });

  it('reads merge, with or without "into"', () => {
    const merge = { sub: 'merge', ref: 'INC-43', into: 'INC-41' };
    expect(parseIncidentCommand('merge INC-43 INC-41')).toEqual(merge);
    expect(parseIncidentCommand('merge INC-43 into INC-41')).toEqual(merge);
    expect(parseIncidentCommand('merge INC-43')).toEqual({
      sub: 'usage',
      message: 'Usage: `/incident merge INC-43 INC-41`',
    });
    expect(parseIncidentCommand('merge INC-43 INC-41 INC-40')).toMatchObject({ sub: 'usage' });
  });

  it('reads escalate and drill', () => {
    expect(parseIncidentCommand('escalate INC-42')).toEqual({ sub: 'escalate', ref: 'INC-42' });
    expect(parseIncidentCommand('escalate')).toEqual({
      sub: 'usage',
      message: 'Usage: `/incident escalate INC-42`',
    });
    expect(parseIncidentCommand('drill payments')).toEqual({
      sub: 'drill',
      service: 'payments',
      severity: 1,
    });
    expect(parseIncidentCommand('drill payments P3')).toEqual({
      sub: 'drill',
      service: 'payments',
      severity: 3,
    });
    expect(parseIncidentCommand('drill')).toMatchObject({ sub: 'usage' });
    expect(parseIncidentCommand('drill payments P9')).toMatchObject({ sub: 'usage' });
  });
});

describe('incident channel, severity and rename commands', () => {
  it('parses channel, severity and rename', () => {
    expect(parseIncidentCommand('channel INC-42')).toEqual({ sub: 'channel', ref: 'INC-42' });
    expect(parseIncidentCommand('severity INC-42 P1')).toEqual({
      sub: 'severity',
      ref: 'INC-42',
      severity: 1,
    });
    expect(parseIncidentCommand('sev 42 2')).toEqual({ sub: 'severity', ref: '42', severity: 2 });
    expect(parseIncidentCommand('rename INC-42 Checkout  down in EU')).toEqual({
      sub: 'rename',
      ref: 'INC-42',
      title: 'Checkout  down in EU',
    });
  });

  it('answers the usage when something is missing', () => {
    expect(parseIncidentCommand('severity INC-42')).toEqual({
      sub: 'usage',
      message: 'Usage: `/incident severity INC-42 P1`',
    });
    expect(parseIncidentCommand('severity INC-42 P9').sub).toBe('usage');
    expect(parseIncidentCommand('rename INC-42').sub).toBe('usage');
    expect(parseIncidentCommand('channel').sub).toBe('usage');
  });
});

describe('/incident role, update, follow', () => {
  it('reads roles: set, clear, or the form', () => {
    expect(parseIncidentCommand('role INC-4 commander <@U0BOB|bob>')).toEqual({
      sub: 'role',
      ref: 'INC-4',
      role: 'commander',
      user: 'U0BOB',
    });
    expect(parseIncidentCommand('role INC-4 comms clear')).toEqual({
      sub: 'role',
      ref: 'INC-4',
      role: 'comms',
      user: null,
    });
    expect(parseIncidentCommand('role INC-4')).toEqual({ sub: 'role', ref: 'INC-4' });
    expect(parseIncidentCommand('role INC-4 scribe')).toMatchObject({ sub: 'usage' });
    expect(parseIncidentCommand('role')).toMatchObject({ sub: 'usage' });
  });

  it('reads update and follow/unfollow with or without a channel', () => {
    expect(parseIncidentCommand('update INC-4')).toEqual({ sub: 'update', ref: 'INC-4' });
    expect(parseIncidentCommand('update')).toMatchObject({ sub: 'usage' });
    expect(parseIncidentCommand('follow INC-4')).toEqual({ sub: 'follow', ref: 'INC-4' });
    expect(parseIncidentCommand('follow INC-4 <#C0STATUS|status>')).toEqual({
      sub: 'follow',
      ref: 'INC-4',
      channel: 'C0STATUS',
    });
    expect(parseIncidentCommand('unfollow INC-4 #exec-updates')).toEqual({
      sub: 'unfollow',
      ref: 'INC-4',
      channel: 'exec-updates',
    });
    expect(parseIncidentCommand('follow INC-4 someone')).toMatchObject({ sub: 'usage' });
  });
});
