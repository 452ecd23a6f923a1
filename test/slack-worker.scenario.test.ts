import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type WebSocket, WebSocketServer } from 'ws';
import { startTestApp, type TestApp, type TestSlack } from './harness/app.js';
import { until } from './harness/wait.js';

/** A local Socket Mode server: says hello, forwards envelopes, records the app's acks. */
class SocketModeServer {
  readonly wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  private socket: WebSocket | null = null;
  private connected: Promise<void>;

  constructor() {
    this.connected = new Promise((resolve) => {
      this.wss.on('connection', (ws) => {
        this.socket = ws;
        ws.on('message', (data) => this.acks.push(JSON.parse(String(data)) as { envelope_id: string }));
        ws.send(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'local', approximate_connection_time: 3600 },
            connection_info: { app_id: 'A0FAKEAPP' },
          }),
        );
        resolve();
      });
    });
  }

  get url(): string {
    const addr = this.wss.address();
    return `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  }

  async send(type: string, payload: unknown, envelopeId: string): Promise<void> {
    await this.connected;
    this.socket?.send(
      JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }),
    );
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

/** When the engine tick Agenda runs last started and finished (real time, epoch ms), if it has. */
async function lastTick(t: TestApp): Promise<{ started: number; finished: number } | null> {
  const [row] = await t.sql<{ started: string | null; finished: string | null }>(
    `select extract(epoch from last_run_at) * 1000 as started, extract(epoch from last_finished_at) * 1000 as finished
     from agenda_jobs where name = 'engine-tick'`,
  );
  return row?.started && row.finished
    ? { started: Number(row.started), finished: Number(row.finished) }
    : null;
}

/** Waits until an engine tick that started after `since` has finished; returns when it started. */
const tickAfter = (t: TestApp, since: number): Promise<number> =>
  until(`an engine tick started after ${new Date(since).toISOString()}`, async () => {
    const tick = await lastTick(t);
    return tick && tick.started > since && tick.finished >= tick.started ? tick.started : null;
  });

let t: TestApp;
let s: TestSlack;
const socket = new SocketModeServer();
beforeAll(async () => {
  t = await startTestApp({
    slack: {
      appToken: 'xapp-test-token',
      worker: true,
      beforeStart: (fake) => fake.setConnectionsUrl(socket.url),
    },
  });
  if (!t.slack) throw new Error('no slack');
  s = t.slack;
  s.fake.addUser({ id: 'U0ALICE', real_name: 'Alice Smith' });
});
afterAll(async () => {
  await t?.close();
  await socket.close();
});

describe('the worker role and Socket Mode', () => {
  it('the worker posts the card moments after the webhook commits, with no one calling deliverOnce', async () => {
    const res = await t.request('POST', '/api/v1/webhooks/generic', {
      title: 'Queue backlog',
      severity: 'P1',
      service: 'queue',
      dedup_key: 'queue-1',
      status: 'firing',
    });
    expect(res.status).toBe(200);
    // How soon (p50/p99 over many cards): bench/slack-delivery.ts; here only that it comes unprompted.
    const post = await s.fake.waitFor('chat.postMessage', (c) => c.ok, 10_000);
    expect(post.args.channel).toBe('C0DEFAULT');
    expect(post.args.text).toContain('Queue backlog');
  });

  it('a slash command over Socket Mode is acked on the socket and acts as the Slack user', async () => {
    await socket.send(
      'slash_commands',
      {
        token: 'legacy',
        team_id: 'T0FAKE',
        team_domain: 'opswatch-test',
        channel_id: 'C0DEFAULT',
        user_id: 'U0ALICE',
        user_name: 'alice',
        command: '/incident',
        text: 'ack INC-1',
        api_app_id: 'A0FAKEAPP',
        response_url: `${s.fake.url}/response/T0FAKE/1/x`,
        trigger_id: '1.2.3',
      },
      'env-1',
    );
    await until('the socket ack', () => socket.acks.some((a) => a.envelope_id === 'env-1'));
    await until('the acknowledgement', async () => {
      const [inc] = await t.sql<{ status: string }>('select status from incidents where number = 1');
      return inc?.status === 'acknowledged';
    });
    const chatUpdate = await s.fake.waitFor('chat.update', () => true, 5_000);
    expect(chatUpdate.ok).toBe(true);
  });

  it('the engine tick, run by Agenda, announces a handoff when the clock passes it', async () => {
    const users: string[] = [];
    for (const name of ['Carol', 'Dan']) {
      const res = await t.request('POST', '/api/v1/users', {
        name,
        email: `${name.toLowerCase()}@example.com`,
      });
      users.push(((await res.json()) as { id: string }).id);
    }
    const res = await t.request('POST', '/api/v1/schedules', {
      name: 'Queue',
      timeZone: 'UTC',
      slackChannel: 'C0QUEUE',
      layers: [
        {
          name: 'Primary',
          participants: users,
          start: '2026-03-02T00:00:00Z',
          turn: { unit: 'hours', count: 12 },
          handoffTime: '00:00',
        },
      ],
    });
    expect(res.status).toBe(201);
    // The worker takes its first look (nothing in the past is announced)…
    await until(
      'the first handoff look',
      async () => (await t.sql('select 1 from schedule_handoff_cursors')).length > 0,
    );
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0QUEUE')).toHaveLength(0);
    // …then the 12:00 handoff comes, and the next ticks announce it, once.
    t.clock.set('2026-03-02T12:00:05Z');
    const post = await s.fake.waitFor('chat.postMessage', (c) => c.args.channel === 'C0QUEUE', 8_000);
    expect(post.args.text).toBe('Dan is now on call for Queue until Tue 00:00 UTC, taking over from Carol.');
    // Two more ticks (each started after the post) announce nothing again.
    await tickAfter(t, await tickAfter(t, post.at.getTime()));
    await s.deliverOnce();
    expect(s.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0QUEUE')).toHaveLength(1);
  });
});
