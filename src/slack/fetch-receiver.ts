import { type App, isValidSlackRequest, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../shared/logger.js';

/** Slack's deadline is 3 s; answer a little before it even when a listener never acks. */
const ACK_DEADLINE_MS = 2_500;
/**
 * Requests whose answer carries nothing (Slack ignores the body of an interaction's or an event's 200): answered as
 * soon as the signature checks out, so a click never waits behind middleware or a busy event loop. Commands and view
 * submissions wait for the listener's ack, which may carry a reply or field errors.
 */
const ANSWER_AT_ONCE = new Set(['block_actions', 'event_callback']);
/**
 * Requests answered at once are then worked at most this many at a time: a burst of clicks queues here rather than
 * taking every database connection from webhooks. Commands and view submissions, which wait for their ack, never
 * queue.
 */
const BACKGROUND_CONCURRENCY = 8;

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const form = new URLSearchParams(raw);
  const payload = form.get('payload');
  if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
  return Object.fromEntries(form.entries());
}

function toResponse(response: unknown): Response {
  if (response === undefined || response === null || response === '')
    return new Response(null, { status: 200 });
  if (typeof response === 'string') return new Response(response, { status: 200 });
  return Response.json(response);
}

/** What the receiver reads of an HTTP request: its headers and its body as text (a web `Request` will do). */
export interface SlackEventRequest {
  headers: Headers;
  text(): Promise<string>;
}

const refused = (detail: string) =>
  Response.json({ type: 'about:blank', title: 'Unauthorized', status: 401, detail }, { status: 401 });

/**
 * Bolt's receiver for HTTP mode on the sidecar's Hono app (`POST /slack/events`): checks Slack's signature
 * (HMAC-SHA256 over `v0:timestamp:body`, at most 5 minutes old), hands the request to Bolt, and answers as soon
 * as the listener acks (clicks and events: at once); the listener's work continues after the answer.
 */
export class FetchReceiver implements Receiver {
  private app: App | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly signingSecret: string,
    private readonly log: Logger,
    /** Told how long each answer took, from the request being read to the answer (metrics). */
    private readonly onAnswer: (type: string, seconds: number) => void = () => {},
  ) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    await this.idle();
  }

  /** Resolves when every request's listeners have finished (tests wait on it). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Resolves when a background slot is free; the slot is given back by `release`. */
  private async slot(): Promise<void> {
    if (this.running < BACKGROUND_CONCURRENCY) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  readonly handle = async (req: SlackEventRequest): Promise<Response> => {
    const started = performance.now();
    const raw = await req.text();
    const signature = req.headers.get('x-slack-signature');
    const timestamp = Number(req.headers.get('x-slack-request-timestamp'));
    if (!signature || !Number.isFinite(timestamp)) return refused('Missing Slack signature headers.');
    const valid = isValidSlackRequest({
      signingSecret: this.signingSecret,
      body: raw,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    });
    if (!valid) return refused('The Slack signature is invalid or the request is older than 5 minutes.');
    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, req.headers.get('content-type') ?? '');
    } catch {
      return Response.json({ title: 'Bad Request', status: 400, detail: 'Unreadable body' }, { status: 400 });
    }
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });
    if (body.ssl_check) return new Response(null, { status: 200 });
    const app = this.app;
    if (!app) return new Response(null, { status: 503 });

    let answer: (r: Response) => void = () => {};
    const answered = new Promise<Response>((resolve) => {
      answer = resolve;
    });
    let acked = false;
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        answer(toResponse(response));
      },
    };
    const background = ANSWER_AT_ONCE.has(String(body.type));
    if (background) {
      acked = true;
      answer(new Response(null, { status: 200 }));
    }
    const retryNum = req.headers.get('x-slack-retry-num');
    if (retryNum) event.retryNum = Number(retryNum);
    const retryReason = req.headers.get('x-slack-retry-reason');
    if (retryReason) event.retryReason = retryReason;

    const run = async (): Promise<void> => {
      if (!background) return app.processEvent(event);
      await this.slot();
      try {
        await app.processEvent(event);
      } finally {
        this.release();
      }
    };
    const work: Promise<void> = run()
      .catch((err: unknown) => {
        this.log.error({ err }, 'Slack request failed');
        if (!acked) {
          acked = true;
          answer(new Response(null, { status: 500 }));
        }
      })
      .finally(() => {
        this.inflight.delete(work);
      });
    this.inflight.add(work);
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.log.warn({ type: body.type }, 'a Slack listener did not ack in time; answered 200');
      answer(new Response(null, { status: 200 }));
    }, ACK_DEADLINE_MS);
    const res = await answered;
    clearTimeout(timer);
    this.onAnswer(
      typeof body.type === 'string' ? body.type : 'command',
      (performance.now() - started) / 1000,
    );
    return res;
  };
}
