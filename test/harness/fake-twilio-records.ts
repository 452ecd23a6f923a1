/**
 * What the fake Twilio holds for each SMS and call it accepted, and the lifecycle a test drives on it: status
 * callbacks (signed, in order, one at a time per message or call), and for calls the TwiML conversation (fetch
 * the `Url` when answered, say what it says, send gathered digits to the `<Gather action>`, follow `<Redirect>`).
 */
import {
  API_VERSION,
  all,
  type CallEvent,
  one,
  type Params,
  rfc2822,
  smsSegments,
} from './fake-twilio-rest.js';
import {
  type GatherState,
  parseVoiceDocument,
  runVoiceVerbs,
  type VoiceStep,
  type XmlElement,
} from './fake-twilio-twiml.js';
import { type WebhookRecord, type Webhooks, webhookFailed } from './fake-twilio-webhooks.js';

export interface RecordContext {
  accountSid: string;
  webhooks: Webhooks;
  now(): Date;
  /** A failure in work nobody awaits (a callback the fake sends on its own). */
  problem(what: string, sid: string): void;
}

/** Runs work one piece at a time, in order; a failed piece does not stop the next. */
class Chain {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn);
    this.tail = p.catch(() => {});
    return p;
  }
  settled(): Promise<void> {
    return this.tail.then(() => {});
  }
}

export type SmsStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface StatusChange<S> {
  status: S;
  at: Date;
  errorCode: number | null;
  /** The status callback sent for it (null: none was asked for). */
  callback: WebhookRecord | null;
}

/** An SMS the fake accepted (Messages.json), or one OpsWatch answered an inbound SMS with (TwiML `<Message>`). */
export class FakeSms {
  readonly kind = 'sms' as const;
  status: SmsStatus = 'queued';
  errorCode: number | null = null;
  readonly history: StatusChange<SmsStatus>[] = [];
  /** Counted by an expectation (`expectSms`, `nextSms`). */
  consumed = false;
  /** Left out of the "nothing unexpected" check (`ignore`). */
  ignored = false;
  readonly numSegments: number;
  readonly encoding: 'GSM-7' | 'UCS-2';
  private readonly chain = new Chain();

  constructor(
    private readonly ctx: RecordContext,
    readonly sid: string,
    readonly params: Params,
    readonly at: Date,
    /** `rest`: Messages.json; `twiml`: a `<Message>` in the answer to an inbound SMS. */
    readonly via: 'rest' | 'twiml',
  ) {
    const { segments, encoding } = smsSegments(this.body);
    this.numSegments = segments;
    this.encoding = encoding;
    this.history.push({ status: 'queued', at, errorCode: null, callback: null });
  }

  get to(): string {
    return one(this.params, 'To') ?? '';
  }
  get from(): string {
    return one(this.params, 'From') ?? '';
  }
  get body(): string {
    return one(this.params, 'Body') ?? '';
  }
  get statusCallback(): string | null {
    return one(this.params, 'StatusCallback') ?? null;
  }
  /** Statuses so far, e.g. `['queued', 'sent', 'delivered']`. */
  get statuses(): SmsStatus[] {
    return this.history.map((h) => h.status);
  }

  /** queued → sent (a status callback). */
  send(): Promise<void> {
    return this.chain.run(async () => {
      if (this.status === 'queued' || this.status === 'sending') await this.move('sent', null);
    });
  }
  /** → sent → delivered. */
  deliver(): Promise<void> {
    return this.chain.run(async () => {
      this.assertOpen('deliver');
      if (this.status !== 'sent') await this.move('sent', null);
      await this.move('delivered', null);
    });
  }
  /** → sent → undelivered with the error code (default 30003, unreachable handset). */
  undeliver(code = 30003): Promise<void> {
    return this.chain.run(async () => {
      this.assertOpen('undeliver');
      if (this.status !== 'sent') await this.move('sent', null);
      await this.move('undelivered', code);
    });
  }
  /** → failed with the error code (default 30008, unknown error), without being sent. */
  fail(code = 30008): Promise<void> {
    return this.chain.run(async () => {
      this.assertOpen('fail');
      await this.move('failed', code);
    });
  }
  /** Resolves once every status change asked for so far has been called back. */
  settled(): Promise<void> {
    return this.chain.settled();
  }
  /** Later work waits for `p` (the fake holds callbacks until its HTTP answer is out). */
  hold(p: Promise<unknown>): void {
    void this.chain.run(() => p);
  }

  private assertOpen(what: string): void {
    if (this.status === 'delivered' || this.status === 'undelivered' || this.status === 'failed') {
      throw new Error(
        `fake Twilio: cannot ${what} SMS ${this.sid} to ${this.to}: it is already ${this.status}`,
      );
    }
  }

  private async move(status: SmsStatus, errorCode: number | null): Promise<void> {
    this.status = status;
    this.errorCode = errorCode;
    const change: StatusChange<SmsStatus> = { status, at: this.ctx.now(), errorCode, callback: null };
    this.history.push(change);
    const url = this.statusCallback;
    if (!url || this.via !== 'rest') return;
    const params: Record<string, string> = {
      AccountSid: this.ctx.accountSid,
      ApiVersion: API_VERSION,
      From: this.from,
      MessageSid: this.sid,
      MessageStatus: status,
      SmsSid: this.sid,
      SmsStatus: status,
      To: this.to,
    };
    if (errorCode !== null) params.ErrorCode = String(errorCode);
    if (status === 'delivered') {
      const d = change.at;
      const p = (n: number) => String(n).padStart(2, '0');
      params.RawDlrDoneDate = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
    }
    change.callback = await this.ctx.webhooks.send('sms-status', url, params, { sid: this.sid });
    if (webhookFailed(change.callback)) {
      this.ctx.problem(`status callback ${status} → ${describeAnswer(change.callback)}`, this.sid);
    }
  }

  /** The resource as Twilio's REST API shows it (snake_case, dates in RFC 2822, counts as strings). */
  toJSON(): Record<string, unknown> {
    const base = `/${API_VERSION}/Accounts/${this.ctx.accountSid}/Messages/${this.sid}`;
    const sent = this.history.find((h) => h.status === 'sent');
    return {
      account_sid: this.ctx.accountSid,
      api_version: API_VERSION,
      body: this.body,
      date_created: rfc2822(this.at),
      date_sent: sent ? rfc2822(sent.at) : null,
      date_updated: rfc2822(this.history.at(-1)!.at),
      direction: 'outbound-api',
      error_code: this.errorCode,
      error_message: null,
      from: this.from,
      messaging_service_sid: one(this.params, 'MessagingServiceSid') ?? null,
      num_media: '0',
      num_segments: String(this.numSegments),
      price: null,
      price_unit: 'USD',
      sid: this.sid,
      status: this.status,
      subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
      to: this.to,
      uri: `${base}.json`,
    };
  }
}

export type CallStatus =
  | 'queued'
  | 'initiated'
  | 'ringing'
  | 'in-progress'
  | 'completed'
  | 'busy'
  | 'no-answer'
  | 'failed'
  | 'canceled';

const ENDED: CallStatus[] = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];
const SIP: Partial<Record<CallStatus, string>> = {
  completed: '200',
  busy: '486',
  'no-answer': '487',
  failed: '500',
};

/** One exchange with the TwiML endpoint: what started it, what came back, and what the callee heard. */
export interface VoiceTurn {
  trigger: 'answer' | 'machine' | 'press' | 'no-input';
  /** The digits sent (`press`). */
  digits: string | null;
  /** Each document fetched (the first, then any `<Redirect>`), with the HTTP answer. */
  documents: { url: string; status: number; twiml: string }[];
  /** The last document's TwiML. */
  twiml: string;
  /** What the callee heard during this turn, one entry per `<Say>`. */
  said: string[];
  /** `said` joined with spaces. */
  text: string;
  verbs: string[];
  /** A `<Gather>` waits for digits now. */
  gathering: boolean;
  /** The call ended in this turn (`<Hangup/>`, the end of the document, or an error). */
  ended: boolean;
  /** Twilio's error when the endpoint failed: 11200 (HTTP), 12100 (TwiML not understood), 21220 (redirect loop). */
  error: { code: number; detail: string } | null;
  unsupported: string[];
}

const APP_ERROR = 'We are sorry, an application error has occurred. Goodbye.';

/** A call the fake accepted (Calls.json). */
export class FakeCall {
  readonly kind = 'call' as const;
  status: CallStatus = 'queued';
  /** `human`, `machine_start`, `machine_end_beep`, …: only when MachineDetection was asked for and it answered. */
  answeredBy: string | null = null;
  readonly history: StatusChange<CallStatus>[] = [];
  /** Everything the callee heard so far, one entry per `<Say>`. */
  readonly said: string[] = [];
  readonly turns: VoiceTurn[] = [];
  /** The `<Gather>` waiting for digits, if any. */
  gather: GatherState | null = null;
  consumed = false;
  ignored = false;
  startTime: Date | null = null;
  endTime: Date | null = null;
  private afterGather: XmlElement[] = [];
  private gatherDocUrl: string | null = null;
  private sequence = 0;
  private readonly chain = new Chain();

  constructor(
    private readonly ctx: RecordContext,
    readonly sid: string,
    readonly params: Params,
    readonly at: Date,
  ) {
    this.history.push({ status: 'queued', at, errorCode: null, callback: null });
  }

  get to(): string {
    return one(this.params, 'To') ?? '';
  }
  get from(): string {
    return one(this.params, 'From') ?? '';
  }
  /** The TwiML URL (null with inline `Twiml`). */
  get url(): string | null {
    return one(this.params, 'Url') ?? null;
  }
  get statusCallback(): string | null {
    return one(this.params, 'StatusCallback') ?? null;
  }
  /** The status callback events asked for; `completed` is always sent when there is a StatusCallback. */
  get events(): Set<CallEvent> {
    const asked = all(this.params, 'StatusCallbackEvent').flatMap((e) => e.split(/\s+/)) as CallEvent[];
    return new Set<CallEvent>([...asked, 'completed']);
  }
  get machineDetection(): string | null {
    return one(this.params, 'MachineDetection') ?? null;
  }
  /** Seconds it rings before no-answer (default 60). */
  get timeout(): number {
    return Number(one(this.params, 'Timeout') ?? '60');
  }
  /** All that was said, joined. */
  get text(): string {
    return this.said.join(' ');
  }
  get ended(): boolean {
    return ENDED.includes(this.status);
  }
  get statuses(): CallStatus[] {
    return this.history.map((h) => h.status);
  }

  /** initiated → ringing: what happens on its own right after the create. */
  dial(): Promise<void> {
    return this.chain.run(async () => {
      if (this.status !== 'queued') return;
      await this.move('initiated', 'initiated');
      await this.move('ringing', 'ringing');
    });
  }

  /** A person picks up: `answered`, then the TwiML is fetched and run until it gathers or ends. */
  answer(): Promise<VoiceTurn> {
    return this.chain.run(async () => {
      this.assertRinging('answer');
      if (this.machineDetection) this.answeredBy = 'human';
      return this.pickUp('answer');
    });
  }

  /**
   * Voicemail picks up. With MachineDetection the TwiML request says `AnsweredBy=machine_start` (or
   * `machine_end_beep` with DetectMessageEnd); without it Twilio cannot tell and it looks like a person who
   * says nothing. The TwiML is fetched and played to the machine, then the call completes.
   */
  answerByMachine(answeredBy?: string): Promise<VoiceTurn> {
    return this.chain.run(async () => {
      this.assertRinging('answer by machine');
      const amd = this.machineDetection;
      if (amd) answeredBy ??= amd === 'DetectMessageEnd' ? 'machine_end_beep' : 'machine_start';
      this.answeredBy = amd ? (answeredBy ?? 'machine_start') : null;
      const turn = await this.pickUp('machine');
      if (!this.ended) {
        this.gather = null;
        await this.end('completed');
        turn.ended = true;
        turn.gathering = false;
      }
      return turn;
    });
  }

  /** Rings out: the call ends `no-answer`. */
  noAnswer(): Promise<void> {
    return this.chain.run(() => this.endUnanswered('no-answer'));
  }
  busy(): Promise<void> {
    return this.chain.run(() => this.endUnanswered('busy'));
  }
  /** The carrier could not connect it. */
  fail(): Promise<void> {
    return this.chain.run(() => this.endUnanswered('failed'));
  }

  /**
   * The callee presses keys: digits up to `numDigits` or the `finishOnKey` are POSTed (signed) to the Gather's
   * action; its TwiML runs. Resolves to what was heard next.
   */
  press(keys: string): Promise<VoiceTurn> {
    return this.chain.run(async () => {
      const g = this.gather;
      if (this.status !== 'in-progress' || !g) {
        throw new Error(
          `fake Twilio: call ${this.sid} to ${this.to} is not waiting for digits (${this.status})`,
        );
      }
      let digits = '';
      let finishedOnKey = '';
      for (const k of keys) {
        if (g.finishOnKey && k === g.finishOnKey) {
          finishedOnKey = k;
          break;
        }
        digits += k;
        if (g.numDigits !== null && digits.length >= g.numDigits) break;
      }
      if (!digits && !g.actionOnEmptyResult) return this.continueAfterGather('no-input');
      const params = {
        ...this.callParams(),
        Digits: digits,
        FinishedOnKey: finishedOnKey,
        msg: 'Gather End',
      };
      const turn = this.newTurn('press', digits);
      this.gather = null;
      await this.fetchAndRun(turn, 'gather', g.action, g.method, params);
      return turn;
    });
  }

  /** Nobody presses anything before the Gather times out: the verbs after it run. */
  noInput(): Promise<VoiceTurn> {
    return this.chain.run(async () => {
      if (this.status !== 'in-progress' || !this.gather) {
        throw new Error(
          `fake Twilio: call ${this.sid} to ${this.to} is not waiting for digits (${this.status})`,
        );
      }
      return this.continueAfterGather('no-input');
    });
  }

  /** The callee hangs up during the call: it completes (no digits are sent). Ringing calls: noAnswer()/busy(). */
  hangUp(): Promise<void> {
    return this.chain.run(async () => {
      if (this.status !== 'in-progress') {
        throw new Error(`fake Twilio: call ${this.sid} to ${this.to} is not in progress (${this.status})`);
      }
      await this.end('completed');
    });
  }

  /** Resolves once everything asked of this call so far has happened (callbacks sent, TwiML run). */
  settled(): Promise<void> {
    return this.chain.settled();
  }
  hold(p: Promise<unknown>): void {
    void this.chain.run(() => p);
  }

  /** What `calls(sid).update({status})` does: `canceled` before the answer, `completed` hangs up. */
  cancel(status: 'canceled' | 'completed'): Promise<void> {
    return this.chain.run(async () => {
      if (this.ended) return;
      const ringing = this.status !== 'in-progress';
      if (status === 'canceled' && !ringing) return;
      await this.end(ringing ? 'canceled' : 'completed');
    });
  }

  private assertRinging(what: string): void {
    if (this.status === 'queued') throw new Error(`fake Twilio: call ${this.sid} was never dialled`);
    if (this.status !== 'initiated' && this.status !== 'ringing') {
      throw new Error(`fake Twilio: cannot ${what} call ${this.sid} to ${this.to}: it is ${this.status}`);
    }
  }

  private async pickUp(trigger: 'answer' | 'machine'): Promise<VoiceTurn> {
    this.startTime = this.ctx.now();
    await this.move('in-progress', 'answered');
    const turn = this.newTurn(trigger, null);
    const inline = one(this.params, 'Twiml');
    if (this.url) {
      await this.fetchAndRun(
        turn,
        'voice',
        this.url,
        one(this.params, 'Method') === 'GET' ? 'GET' : 'POST',
        this.callParams(),
      );
    } else if (inline) {
      turn.documents.push({ url: '(inline Twiml)', status: 200, twiml: inline });
      turn.twiml = inline;
      await this.runDocument(turn, inline, null);
    }
    return turn;
  }

  private async continueAfterGather(trigger: 'no-input'): Promise<VoiceTurn> {
    const turn = this.newTurn(trigger, null);
    const rest = this.afterGather;
    this.gather = null;
    const redirect = await this.runVerbs(turn, rest, this.gatherDocUrl);
    if (redirect) await this.fetchAndRun(turn, 'redirect', redirect.url, redirect.method, this.callParams());
    return turn;
  }

  private newTurn(trigger: VoiceTurn['trigger'], digits: string | null): VoiceTurn {
    const turn: VoiceTurn = {
      trigger,
      digits,
      documents: [],
      twiml: '',
      said: [],
      text: '',
      verbs: [],
      gathering: false,
      ended: false,
      error: null,
      unsupported: [],
    };
    this.turns.push(turn);
    return turn;
  }

  /** Fetches a TwiML document (following redirects) and runs it. */
  private async fetchAndRun(
    turn: VoiceTurn,
    kind: 'voice' | 'gather' | 'redirect',
    url: string,
    method: 'GET' | 'POST',
    params: Record<string, string>,
  ): Promise<void> {
    let next: { url: string; method: 'GET' | 'POST'; kind: 'voice' | 'gather' | 'redirect' } | null = {
      url,
      method,
      kind,
    };
    for (let hops = 0; next; hops++) {
      if (hops > 10) return this.appError(turn, 21220, 'more than 10 redirects');
      const r = await this.ctx.webhooks.send(next.kind, next.url, params, {
        method: next.method,
        sid: this.sid,
      });
      turn.documents.push({ url: next.url, status: r.status, twiml: r.text });
      turn.twiml = r.text;
      if (webhookFailed(r))
        return this.appError(turn, 11200, `${next.kind} ${next.url} → ${describeAnswer(r)}`);
      let verbs: XmlElement[];
      try {
        verbs = parseVoiceDocument(r.text);
      } catch (err) {
        return this.appError(turn, 12100, `${next.url}: ${(err as Error).message}`);
      }
      const redirect = await this.runVerbs(turn, verbs, next.url);
      next = redirect ? { ...redirect, kind: 'redirect' } : null;
      if (next) params = this.callParams();
    }
  }

  private async runDocument(turn: VoiceTurn, xml: string, docUrl: string | null): Promise<void> {
    let verbs: XmlElement[];
    try {
      verbs = parseVoiceDocument(xml);
    } catch (err) {
      return this.appError(turn, 12100, `inline Twiml: ${(err as Error).message}`);
    }
    const redirect = await this.runVerbs(turn, verbs, docUrl);
    if (redirect) await this.fetchAndRun(turn, 'redirect', redirect.url, redirect.method, this.callParams());
  }

  /** Runs verbs; returns a redirect to follow, or null once the call gathers or ended. */
  private async runVerbs(
    turn: VoiceTurn,
    verbs: XmlElement[],
    docUrl: string | null,
  ): Promise<{ url: string; method: 'GET' | 'POST' } | null> {
    let step: VoiceStep;
    try {
      step = runVoiceVerbs(verbs, docUrl);
    } catch (err) {
      await this.appError(turn, 12100, (err as Error).message);
      return null;
    }
    this.hear(turn, step.said);
    turn.verbs.push(...step.verbs);
    turn.unsupported.push(...step.unsupported);
    if (step.redirect) return step.redirect;
    if (step.gather) {
      this.gather = step.gather;
      this.afterGather = step.afterGather;
      this.gatherDocUrl = docUrl;
      turn.gathering = true;
      return null;
    }
    // <Hangup/>, or the document ran out: Twilio ends the call.
    await this.end('completed');
    turn.ended = true;
    return null;
  }

  private hear(turn: VoiceTurn, said: string[]): void {
    turn.said.push(...said);
    this.said.push(...said);
    turn.text = turn.said.join(' ');
  }

  private async appError(turn: VoiceTurn, code: number, detail: string): Promise<void> {
    turn.error = { code, detail };
    this.ctx.problem(`TwiML error ${code}: ${detail}`, this.sid);
    this.hear(turn, [APP_ERROR]);
    this.gather = null;
    turn.gathering = false;
    if (!this.ended) await this.end('completed');
    turn.ended = true;
  }

  private async endUnanswered(status: 'no-answer' | 'busy' | 'failed'): Promise<void> {
    if (this.ended)
      throw new Error(`fake Twilio: call ${this.sid} to ${this.to} already ended (${this.status})`);
    if (this.status === 'in-progress') throw new Error(`fake Twilio: call ${this.sid} was answered`);
    await this.end(status);
  }

  private async end(status: CallStatus): Promise<void> {
    this.endTime = this.ctx.now();
    this.gather = null;
    await this.move(status, 'completed');
  }

  /** The parameters of every request Twilio makes about this call. */
  private callParams(): Record<string, string> {
    const p: Record<string, string> = {
      AccountSid: this.ctx.accountSid,
      ApiVersion: API_VERSION,
      CallSid: this.sid,
      CallStatus: this.status,
      Called: this.to,
      Caller: this.from,
      Direction: 'outbound-api',
      From: this.from,
      To: this.to,
    };
    if (this.answeredBy) p.AnsweredBy = this.answeredBy;
    return p;
  }

  /** Seconds between the answer and the end (at least 1 once answered). */
  private duration(): number {
    if (!this.startTime) return 0;
    const end = this.endTime ?? this.ctx.now();
    return Math.max(1, Math.round((end.getTime() - this.startTime.getTime()) / 1000));
  }

  private async move(status: CallStatus, event: CallEvent): Promise<void> {
    this.status = status;
    const change: StatusChange<CallStatus> = { status, at: this.ctx.now(), errorCode: null, callback: null };
    this.history.push(change);
    const url = this.statusCallback;
    if (!url || !this.events.has(event)) return;
    const params: Record<string, string> = {
      ...this.callParams(),
      SequenceNumber: String(this.sequence++),
      Timestamp: rfc2822(change.at),
      CallbackSource: 'call-progress-events',
    };
    if (event === 'completed') {
      params.CallDuration = String(this.duration());
      params.Duration = String(Math.ceil(this.duration() / 60));
      params.SipResponseCode = SIP[status] ?? '200';
    }
    const method = one(this.params, 'StatusCallbackMethod')?.toUpperCase() === 'GET' ? 'GET' : 'POST';
    change.callback = await this.ctx.webhooks.send('call-status', url, params, { method, sid: this.sid });
    if (webhookFailed(change.callback)) {
      this.ctx.problem(
        `call status callback ${event} (${status}) → ${describeAnswer(change.callback)}`,
        this.sid,
      );
    }
  }

  toJSON(): Record<string, unknown> {
    const base = `/${API_VERSION}/Accounts/${this.ctx.accountSid}/Calls/${this.sid}`;
    return {
      account_sid: this.ctx.accountSid,
      annotation: null,
      answered_by: this.answeredBy,
      api_version: API_VERSION,
      caller_name: null,
      date_created: rfc2822(this.at),
      date_updated: rfc2822(this.history.at(-1)!.at),
      direction: 'outbound-api',
      duration: this.ended ? String(this.duration()) : null,
      end_time: this.endTime ? rfc2822(this.endTime) : null,
      forwarded_from: null,
      from: this.from,
      from_formatted: this.from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      price: null,
      price_unit: 'USD',
      queue_time: '0',
      sid: this.sid,
      start_time: this.startTime ? rfc2822(this.startTime) : null,
      status: this.status,
      subresource_uris: {
        notifications: `${base}/Notifications.json`,
        recordings: `${base}/Recordings.json`,
        events: `${base}/Events.json`,
      },
      to: this.to,
      to_formatted: this.to,
      trunk_sid: null,
      uri: `${base}.json`,
    };
  }
}

export function describeAnswer(r: WebhookRecord): string {
  if (r.status === 0) return `no answer (${r.error ?? 'unknown'})`;
  return `HTTP ${r.status} ${r.text.slice(0, 200)}`;
}
