/**
 * Inbound Slack requests for tests, signed exactly as Slack signs them
 * (https://api.slack.com/authentication/verifying-requests-from-slack), and a driver that POSTs slash commands,
 * interactions and events to `${baseUrl}/slack/events`.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** `v0=` + hex(HMAC-SHA256(secret, `v0:${ts}:${body}`)); `timestamp` in Unix seconds, default now. */
export function signSlackRequest(secret: string, body: string, timestamp?: number): SlackSignatureHeaders {
  const ts = String(timestamp ?? Math.floor(Date.now() / 1000));
  const digest = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': ts };
}

export interface SendOptions {
  /** `bad`: a wrong signature; `missing`: no signature headers at all. */
  signature?: 'valid' | 'bad' | 'missing';
  /** Unix seconds to sign with, e.g. `now - 600` for a stale request. */
  timestamp?: number;
  /** Shorthand for a timestamp 10 minutes old (Bolt refuses older than 5). */
  stale?: boolean;
}

export interface DriverResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, the text otherwise ('' for an empty body). */
  body: unknown;
  text: string;
  headers: Record<string, string>;
}

export interface SlackDriverOptions {
  /** Where the app listens; requests go to `${baseUrl}${path}`. */
  baseUrl: string;
  signingSecret: string;
  teamId: string;
  /** The default acting user. */
  userId: string;
  /** Default `/slack/events`. */
  path?: string;
  /** Base for response_url (e.g. the fake Slack's url, which records POSTs to `/response/…`). */
  responseUrlBase?: string;
  channelId?: string;
  apiAppId?: string;
  /** Applied to every request unless the call overrides it. */
  defaults?: SendOptions;
}

export interface BlockActionOptions extends SendOptions {
  user?: string;
  /** The message the element is on (block_actions from a message). */
  message?: { ts: string; channel?: string; text?: string; blocks?: unknown[]; thread_ts?: string };
  /** The view the element is on (modal or App Home). */
  view?: {
    id: string;
    type?: 'modal' | 'home';
    callback_id?: string;
    private_metadata?: string;
    hash?: string;
  };
  blockId?: string;
  channelId?: string;
  /** Default `button`; `users_select` sends `selected_user` (= `value` unless `selectedUser` is given). */
  elementType?: 'button' | 'users_select' | 'static_select' | 'overflow';
  selectedUser?: string;
}

/** A value in `view.state.values[blockId][actionId]`. */
export type ViewStateValue =
  | { type: 'plain_text_input'; value: string | null }
  | {
      type: 'static_select';
      selected_option: { text: { type: 'plain_text'; text: string }; value: string } | null;
    }
  | { type: 'users_select'; selected_user: string | null }
  | { type: string; [key: string]: unknown };

export const stateValue = {
  text: (value: string | null): ViewStateValue => ({ type: 'plain_text_input', value }),
  select: (value: string, text = value): ViewStateValue => ({
    type: 'static_select',
    selected_option: { text: { type: 'plain_text', text }, value },
  }),
  user: (id: string | null): ViewStateValue => ({ type: 'users_select', selected_user: id }),
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const triggerId = (): string =>
  `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
const actionTs = (): string => `${(Date.now() / 1000).toFixed(6)}`;

export interface SlackDriver {
  slashCommand(
    command: string,
    text: string,
    opts?: SendOptions & { user?: string; channelId?: string },
  ): Promise<DriverResponse>;
  blockAction(actionId: string, value: string, opts?: BlockActionOptions): Promise<DriverResponse>;
  viewSubmission(
    callbackId: string,
    values: Record<string, Record<string, ViewStateValue>>,
    privateMetadata?: string,
    user?: string,
    opts?: SendOptions & { viewId?: string },
  ): Promise<DriverResponse>;
  appHomeOpened(user?: string, opts?: SendOptions): Promise<DriverResponse>;
  urlVerification(challenge?: string, opts?: SendOptions): Promise<DriverResponse>;
  /** POSTs any body as-is (signed per `opts`). */
  post(body: string, contentType: string, opts?: SendOptions): Promise<DriverResponse>;
}

export function slackDriver(options: SlackDriverOptions): SlackDriver {
  const path = options.path ?? '/slack/events';
  const channelId = options.channelId ?? 'C0INCIDENTS';
  const apiAppId = options.apiAppId ?? 'A0FAKEAPP';
  const team = { id: options.teamId, domain: 'opswatch-test' };
  let seq = 0;
  const responseUrl = (): string =>
    `${options.responseUrlBase ?? 'https://hooks.slack.com'}/response/${options.teamId}/${++seq}/${randomBytes(6).toString('hex')}`;

  async function post(body: string, contentType: string, opts: SendOptions = {}): Promise<DriverResponse> {
    const o = { ...options.defaults, ...opts };
    const ts = o.timestamp ?? (o.stale ? nowSeconds() - 600 : nowSeconds());
    const headers: Record<string, string> = { 'content-type': contentType };
    if (o.signature !== 'missing') {
      const signed = signSlackRequest(options.signingSecret, body, ts);
      if (o.signature === 'bad')
        signed['x-slack-signature'] = signSlackRequest(`${options.signingSecret}x`, body, ts)[
          'x-slack-signature'
        ];
      Object.assign(headers, signed);
    }
    const res = await fetch(`${options.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep the text
      }
    }
    return { status: res.status, body: parsed, text, headers: Object.fromEntries(res.headers.entries()) };
  }

  const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();
  const interaction = (payload: unknown, opts?: SendOptions): Promise<DriverResponse> =>
    post(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', opts);
  const userObj = (id: string) => ({
    id,
    username: id.toLowerCase(),
    name: id.toLowerCase(),
    team_id: options.teamId,
  });

  return {
    post,
    slashCommand(command, text, opts = {}) {
      const body = form({
        token: 'legacy-verification-token',
        team_id: options.teamId,
        team_domain: team.domain,
        channel_id: opts.channelId ?? channelId,
        channel_name: 'incidents',
        user_id: opts.user ?? options.userId,
        user_name: (opts.user ?? options.userId).toLowerCase(),
        command: command.startsWith('/') ? command : `/${command}`,
        text,
        api_app_id: apiAppId,
        is_enterprise_install: 'false',
        response_url: responseUrl(),
        trigger_id: triggerId(),
      });
      return post(body, 'application/x-www-form-urlencoded', opts);
    },
    blockAction(actionId, value, opts = {}) {
      const type = opts.elementType ?? 'button';
      const action: Record<string, unknown> = {
        action_id: actionId,
        block_id: opts.blockId ?? 'block',
        type,
        action_ts: actionTs(),
      };
      if (type === 'users_select') action.selected_user = opts.selectedUser ?? value;
      else if (type === 'static_select' || type === 'overflow') {
        action.selected_option = { text: { type: 'plain_text', text: value }, value };
      } else {
        action.value = value;
        action.text = { type: 'plain_text', text: actionId, emoji: true };
      }
      const channel = opts.message?.channel ?? opts.channelId ?? channelId;
      const container = opts.view
        ? { type: 'view', view_id: opts.view.id }
        : {
            type: 'message',
            message_ts: opts.message?.ts ?? '1700000001.000100',
            channel_id: channel,
            is_ephemeral: false,
          };
      const payload: Record<string, unknown> = {
        type: 'block_actions',
        user: userObj(opts.user ?? options.userId),
        api_app_id: apiAppId,
        token: 'legacy-verification-token',
        container,
        trigger_id: triggerId(),
        team,
        enterprise: null,
        is_enterprise_install: false,
        response_url: responseUrl(),
        actions: [action],
      };
      if (opts.view) {
        payload.view = {
          type: 'modal',
          team_id: options.teamId,
          private_metadata: '',
          callback_id: '',
          hash: `1.${opts.view.id}`,
          state: { values: {} },
          ...opts.view,
        };
      } else {
        payload.channel = { id: channel, name: 'incidents' };
        payload.message = { type: 'message', user: 'U0BOT', text: '', blocks: [], ...opts.message };
        payload.state = { values: {} };
      }
      return interaction(payload, opts);
    },
    viewSubmission(callbackId, values, privateMetadata = '', user, opts = {}) {
      const id = opts.viewId ?? `V${randomBytes(4).toString('hex').toUpperCase()}`;
      return interaction(
        {
          type: 'view_submission',
          team,
          user: userObj(user ?? options.userId),
          api_app_id: apiAppId,
          token: 'legacy-verification-token',
          trigger_id: triggerId(),
          is_enterprise_install: false,
          enterprise: null,
          view: {
            id,
            team_id: options.teamId,
            type: 'modal',
            callback_id: callbackId,
            private_metadata: privateMetadata,
            state: { values },
            hash: `1.${id}`,
            root_view_id: id,
            app_id: apiAppId,
            bot_id: 'B0BOT',
          },
          response_urls: [],
        },
        opts,
      );
    },
    appHomeOpened(user, opts = {}) {
      const now = nowSeconds();
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: options.teamId,
        api_app_id: apiAppId,
        event: {
          type: 'app_home_opened',
          user: user ?? options.userId,
          channel: 'D0HOME',
          tab: 'home',
          event_ts: `${now}.000100`,
        },
        type: 'event_callback',
        event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
        event_time: now,
        authorizations: [
          { team_id: options.teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false },
        ],
        is_ext_shared_channel: false,
      });
      return post(body, 'application/json', opts);
    },
    urlVerification(challenge = randomBytes(16).toString('hex'), opts = {}) {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        challenge,
        type: 'url_verification',
      });
      return post(body, 'application/json', opts);
    },
  };
}
