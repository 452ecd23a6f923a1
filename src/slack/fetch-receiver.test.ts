import { describe, expect, it } from '@jest/globals';
import type { App, ReceiverEvent } from '@slack/bolt';
import { signSlackRequest } from '../../test/harness/slack-signing.js';
import { createLogger } from '../shared/logger.js';
import { FetchReceiver } from './fetch-receiver.js';

const SECRET = 'receiver-test-secret';

function request(payload: Record<string, unknown>): Request {
  const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return new Request('http://localhost/slack/events', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) },
    body,
  });
}

/**
 * A stand-in for Bolt that holds every event until told to go (from then on it holds none), counting how many
 * it works at once and how many it finished.
 */
function heldApp() {
  let running = 0;
  let peak = 0;
  let done = 0;
  let holding = true;
  const release: (() => void)[] = [];
  const app = {
    processEvent: async (event: ReceiverEvent) => {
      running++;
      peak = Math.max(peak, running);
      if ((event.body as { type?: string }).type === 'view_submission')
        await event.ack({ response_action: 'clear' });
      if (holding) await new Promise<void>((resolve) => release.push(resolve));
      running--;
      done++;
    },
  };
  return {
    app: app as unknown as App,
    peak: () => peak,
    done: () => done,
    releaseAll: () => {
      holding = false;
      for (const r of release.splice(0)) r();
    },
  };
}

describe('FetchReceiver', () => {
  it('answers clicks at once and works at most 8 at a time; a view submission waits for its ack and never queues', async () => {
    const receiver = new FetchReceiver(SECRET, createLogger('silent'));
    const held = heldApp();
    receiver.init(held.app);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => receiver.handle(request({ type: 'block_actions', actions: [] }))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(held.peak()).toBe(8);
    const view = await receiver.handle(request({ type: 'view_submission', view: {} }));
    expect(await view.json()).toEqual({ response_action: 'clear' });
    expect(held.peak()).toBe(9);
    held.releaseAll();
    await receiver.idle();
    expect(held.done()).toBe(31);
    expect(held.peak()).toBe(9);
  });

  it('refuses a request Slack did not sign', async () => {
    const receiver = new FetchReceiver(SECRET, createLogger('silent'));
    receiver.init(heldApp().app);
    const res = await receiver.handle(
      new Request('http://localhost/slack/events', {
        method: 'POST',
        headers: {
          'x-slack-signature': 'v0=00',
          'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        },
        body: 'payload={}',
      }),
    );
    expect(res.status).toBe(401);
  });
});
