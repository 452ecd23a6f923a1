/**
 * HTTP load generators over node:http with a keep-alive agent: a closed loop (C requests in flight, each
 * worker sends its next request when the previous one answers) and an open loop (requests fired on a fixed
 * schedule whatever the responses, latency measured from the scheduled instant so a stall is not hidden).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Target {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** The status a good answer has (default 200). */
  status?: number;
  /** Checks a 200 answer's body; returns a problem description, or null when it is as expected. */
  check?: (body: string, shot: Shot) => string | null;
}

/** One prepared request: its serialised body and how many alerts it carries. */
export interface Shot {
  body: Buffer;
  alerts: number;
  /** Headers of this request only (e.g. a Slack signature), over the target's. */
  headers?: Record<string, string>;
}

export interface RunResult {
  requests: number;
  alerts: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** Error description → count. */
  errorKinds: Map<string, number>;
}

interface Answer {
  status: number;
  body: string;
}

function post(agent: http.Agent, target: Target, shot: Shot, signal?: AbortSignal): Promise<Answer> {
  const body = shot.body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        method: 'POST',
        agent,
        signal,
        headers: {
          'content-type': 'application/json',
          ...target.headers,
          ...shot.headers,
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out after 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

class Recorder {
  readonly latencies: number[] = [];
  readonly errorKinds = new Map<string, number>();
  requests = 0;
  alerts = 0;
  errors = 0;

  constructor(
    private readonly target: Target,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Sends one shot. Latency runs from `since` (a `performance.now()` instant, e.g. the scheduled one) or, without
   * it, from just before the request to its answer, measured with `process.hrtime.bigint()`.
   */
  async fire(agent: http.Agent, shot: Shot, since?: number): Promise<void> {
    let problem: string | null = null;
    const t0 = process.hrtime.bigint();
    try {
      const answer = await post(agent, this.target, shot, this.signal);
      if (answer.status !== (this.target.status ?? 200))
        problem = `HTTP ${answer.status}: ${answer.body.slice(0, 160)}`;
      else problem = this.target.check?.(answer.body, shot) ?? null;
    } catch (err) {
      problem = this.signal?.aborted
        ? 'no answer before the phase deadline (request abandoned)'
        : `network: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.latencies.push(
      since === undefined ? Number(process.hrtime.bigint() - t0) / 1e6 : performance.now() - since,
    );
    this.requests++;
    if (problem) {
      this.errors++;
      this.errorKinds.set(problem, (this.errorKinds.get(problem) ?? 0) + 1);
    } else {
      this.alerts += shot.alerts;
    }
  }

  result(seconds: number): RunResult {
    const { requests, alerts, latencies, errors, errorKinds } = this;
    return { requests, alerts, seconds, latencies, errors, errorKinds };
  }
}

/**
 * Sends `shots` with `concurrency` requests in flight until all are sent or `maxSeconds` have passed
 * (requests already in flight then finish). Alerts/s counts only alerts answered 200 and as expected.
 */
export async function closedLoop(
  target: Target,
  shots: readonly Shot[],
  concurrency: number,
  maxSeconds: number,
  /** Told the index of each shot and the wall-clock ms (`Date.now()`) just before it is sent. */
  onSend?: (index: number, atMs: number) => void,
): Promise<RunResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const rec = new Recorder(target);
  const start = performance.now();
  const deadline = start + maxSeconds * 1000;
  let next = 0;
  const worker = async () => {
    while (next < shots.length && performance.now() < deadline) {
      const i = next++;
      onSend?.(i, Date.now());
      await rec.fire(agent, shots[i] as Shot);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return rec.result(seconds);
}

/**
 * Fires `shots` open-loop at `rate` requests per second (catching up in bursts when the timer is late).
 * Latency runs from each request's scheduled instant, so queueing in the client counts against the server.
 * When more than `maxBacklog` requests are outstanding the server has fallen behind for good: the rest are
 * not sent (`unsent`); requests still unanswered `drainSeconds` after the schedule ends are abandoned and
 * count as errors. Both keep the phase bounded in time. Aborting `stop` ends the schedule early (the shots not
 * yet due are left unsent and not counted in `unsent`).
 */
export async function openLoop(
  target: Target,
  shots: readonly Shot[],
  rate: number,
  maxBacklog: number,
  drainSeconds = 15,
  maxSockets = 256,
  stop?: AbortSignal,
): Promise<RunResult & { unsent: number; maxLateMs: number; scheduledSeconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const abandon = new AbortController();
  const rec = new Recorder(target, abandon.signal);
  const interval = 1000 / rate;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let outstanding = 0;
  let maxLateMs = 0;
  let sent = 0;
  schedule: while (sent < shots.length && !stop?.aborted) {
    const now = performance.now();
    while (sent < shots.length && start + sent * interval <= now) {
      if (outstanding > maxBacklog) break schedule;
      const due = start + sent * interval;
      maxLateMs = Math.max(maxLateMs, now - due);
      outstanding++;
      inFlight.push(rec.fire(agent, shots[sent] as Shot, due).finally(() => outstanding--));
      sent++;
    }
    await sleep(1);
  }
  const scheduledSeconds = (performance.now() - start) / 1000;
  const stopped = stop?.aborted === true && sent < shots.length;
  const drained = Promise.all(inFlight).then(() => true);
  if (!(await Promise.race([drained, sleep(drainSeconds * 1000, false, { ref: false })]))) {
    abandon.abort();
    await drained;
  }
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { ...rec.result(seconds), unsent: stopped ? 0 : shots.length - sent, maxLateMs, scheduledSeconds };
}
