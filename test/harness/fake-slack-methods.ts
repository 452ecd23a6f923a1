/** What the fake Slack answers to each Web API method, and the workspace state those answers keep. */
import { DateTime } from 'luxon';
import { FakeChannels } from './fake-slack-channels.js';

export interface FakeUser {
  id: string;
  name?: string;
  real_name?: string;
  display_name?: string;
  email?: string;
  tz?: string;
  is_bot?: boolean;
  deleted?: boolean;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  /** `metadata` as posted (event_type, event_payload). */
  metadata?: Record<string, unknown>;
  /** Every version of the message, oldest first (chat.update appends). */
  history: { text: string; blocks: unknown[] }[];
  deleted: boolean;
}

export interface FakeViewRecord {
  id: string;
  type: string;
  /** `views.publish`: the user whose Home this is. */
  userId?: string;
  view: Record<string, unknown>;
  /** Every version, oldest first. */
  history: Record<string, unknown>[];
}

/** A file uploaded the 2024 way: announced (getUploadURLExternal), POSTed, then completed into a channel. */
export interface FakeFile {
  id: string;
  filename: string;
  /** The length announced for it. */
  length: number;
  /** What was POSTed to its upload URL (null until then). */
  bytes: Buffer | null;
  title: string | null;
  channel: string | null;
  threadTs: string | null;
  initialComment: string | null;
  completed: boolean;
}

export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botUserId: string;
  botId: string;
}

export type Args = Record<string, unknown>;
export type Answer = Record<string, unknown> & { ok: boolean };

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

export class FakeSlackState {
  readonly users = new Map<string, FakeUser>();
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: {
    channel: string;
    user: string;
    text: string;
    blocks: unknown[];
    message_ts: string;
  }[] = [];
  readonly views = new Map<string, FakeViewRecord>();
  readonly usergroups = new Map<string, string[]>();
  readonly files = new Map<string, FakeFile>();
  /** Channels made with conversations.create (and others added by tests). */
  readonly channels: FakeChannels;
  connectionsUrl = 'ws://127.0.0.1:9/socket-mode';
  private seq = 0;
  private readonly dms = new Map<string, string>();
  private readonly homeIds = new Map<string, string>();

  constructor(
    readonly workspace: FakeWorkspace,
    private readonly baseUrl: () => string,
  ) {
    this.channels = new FakeChannels(workspace.botUserId);
  }

  private lastTs = 0;

  /** Slack-style timestamps: the wall clock's seconds and microseconds, strictly increasing (`1764576000.000101`). */
  nextTs(): string {
    this.seq++;
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private nextId(prefix: string): string {
    this.seq++;
    return `${prefix}${String(this.seq).padStart(9, '0')}`;
  }

  /** The DM channel for a set of users (stable, `D…`). */
  dmFor(users: string): string {
    const key = users
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean)
      .sort()
      .join(',');
    let id = this.dms.get(key);
    if (!id) {
      id = this.nextId('D');
      this.dms.set(key, id);
    }
    return id;
  }

  /** Posting to a user id posts to the DM with them, as Slack does. */
  private channelFor(channel: string): string {
    return /^[UW][A-Z0-9]+$/.test(channel) ? this.dmFor(channel) : channel;
  }

  private findMessage(channel: string, ts: string): FakeMessage | undefined {
    const ch = this.channelFor(channel);
    return this.messages.find((m) => m.channel === ch && m.ts === ts && !m.deleted);
  }

  private userJson(u: FakeUser): Record<string, unknown> {
    const tz = u.tz ?? 'UTC';
    const zoned = DateTime.now().setZone(tz);
    const realName = u.real_name ?? u.name ?? u.id;
    return {
      id: u.id,
      team_id: this.workspace.teamId,
      name: u.name ?? realName.toLowerCase().replace(/\s+/g, '.'),
      real_name: realName,
      deleted: u.deleted ?? false,
      is_bot: u.is_bot ?? false,
      tz,
      tz_label: zoned.isValid ? zoned.offsetNameLong : tz,
      tz_offset: zoned.isValid ? zoned.offset * 60 : 0,
      profile: {
        email: u.email,
        display_name: u.display_name ?? '',
        real_name: realName,
        image_48: `https://avatars.example.com/${u.id}.png`,
      },
    };
  }

  private viewJson(record: FakeViewRecord): Record<string, unknown> {
    return {
      id: record.id,
      team_id: this.workspace.teamId,
      app_id: 'A0FAKEAPP',
      bot_id: this.workspace.botId,
      hash: `${record.history.length}.${record.id}`,
      root_view_id: record.id,
      previous_view_id: null,
      state: { values: {} },
      ...record.view,
    };
  }

  private saveView(id: string, view: Record<string, unknown>, userId?: string): FakeViewRecord {
    const existing = this.views.get(id);
    const record = existing ?? { id, type: str(view.type), view, history: [], ...(userId ? { userId } : {}) };
    record.view = view;
    record.type = str(view.type) || record.type;
    record.history.push(view);
    this.views.set(id, record);
    return record;
  }

  answer(method: string, args: Args): Answer {
    const w = this.workspace;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${w.teamName.toLowerCase().replace(/\W+/g, '-')}.slack.com/`,
          team: w.teamName,
          user: 'opswatch',
          team_id: w.teamId,
          user_id: w.botUserId,
          bot_id: w.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        const channel = this.channelFor(str(args.channel));
        const ts = this.nextTs();
        const blocks = Array.isArray(args.blocks) ? args.blocks : [];
        const text = str(args.text);
        const threadTs = str(args.thread_ts);
        const metadata =
          args.metadata && typeof args.metadata === 'object'
            ? (args.metadata as Record<string, unknown>)
            : undefined;
        this.messages.push({
          channel,
          ts,
          text,
          blocks,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(metadata ? { metadata } : {}),
          history: [{ text, blocks }],
          deleted: false,
        });
        const message = {
          type: 'message',
          user: w.botUserId,
          bot_id: w.botId,
          text,
          blocks,
          ts,
          team: w.teamId,
        };
        return { ok: true, channel, ts, message: threadTs ? { ...message, thread_ts: threadTs } : message };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        // Newest first, at most `limit`, after `oldest`; metadata only with include_all_metadata, as Slack does.
        const channel = this.channelFor(str(args.channel));
        const oldest = Number(str(args.oldest) || 0);
        const limit = Number(str(args.limit) || 100);
        const withMeta = args.include_all_metadata === true || args.include_all_metadata === 'true';
        const thread = method === 'conversations.replies' ? str(args.ts) : null;
        if (thread === '') return { ok: false, error: 'thread_not_found' };
        const all = this.messages
          .filter(
            (m) =>
              m.channel === channel &&
              !m.deleted &&
              Number(m.ts) > oldest &&
              (thread === null ? !m.thread_ts : m.ts === thread || m.thread_ts === thread),
          )
          .sort((a, b) => Number(b.ts) - Number(a.ts));
        const start = Number(str(args.cursor) || 0);
        const page = all.slice(start, start + limit);
        const more = start + limit < all.length;
        return {
          ok: true,
          messages: page.map((m) => ({
            type: 'message',
            user: w.botUserId,
            bot_id: w.botId,
            text: m.text,
            ts: m.ts,
            ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
            ...(withMeta && m.metadata ? { metadata: m.metadata } : {}),
          })),
          has_more: more,
          response_metadata: { next_cursor: more ? String(start + limit) : '' },
        };
      }
      case 'conversations.list': {
        // The fake knows channels by the messages posted to them (a name posted to is its own id here).
        const names = [...new Set(this.messages.map((m) => m.channel).filter((c) => !c.startsWith('D')))];
        return {
          ok: true,
          channels: [
            ...names
              .filter((c) => !this.channels.channels.has(c))
              .map((c) => ({ id: c, name: c.replace(/^#/, ''), is_channel: true })),
            ...this.channels.list(),
          ],
          response_metadata: { next_cursor: '' },
        };
      }
      case 'chat.update': {
        const found = this.findMessage(str(args.channel), str(args.ts));
        if (!found) return { ok: false, error: 'message_not_found' };
        if (args.text !== undefined) found.text = str(args.text);
        if (args.blocks !== undefined) found.blocks = Array.isArray(args.blocks) ? args.blocks : [];
        found.history.push({ text: found.text, blocks: found.blocks });
        return {
          ok: true,
          channel: found.channel,
          ts: found.ts,
          text: found.text,
          message: { text: found.text },
        };
      }
      case 'chat.getPermalink': {
        const found = this.findMessage(str(args.channel), str(args.message_ts));
        if (!found) return { ok: false, error: 'message_not_found' };
        return {
          ok: true,
          channel: found.channel,
          permalink: `https://opswatch-test.slack.com/archives/${found.channel}/p${found.ts.replace('.', '')}`,
        };
      }
      case 'chat.delete': {
        const found = this.findMessage(str(args.channel), str(args.ts));
        if (!found) return { ok: false, error: 'message_not_found' };
        found.deleted = true;
        return { ok: true, channel: found.channel, ts: found.ts };
      }
      case 'chat.postEphemeral': {
        const message_ts = this.nextTs();
        const blocks = Array.isArray(args.blocks) ? args.blocks : [];
        this.ephemerals.push({
          channel: str(args.channel),
          user: str(args.user),
          text: str(args.text),
          blocks,
          message_ts,
        });
        return { ok: true, message_ts };
      }
      case 'views.open':
      case 'views.push': {
        const view = (args.view ?? {}) as Record<string, unknown>;
        return { ok: true, view: this.viewJson(this.saveView(this.nextId('V'), view)) };
      }
      case 'views.update': {
        const id =
          str(args.view_id) ||
          [...this.views.values()].find((v) => v.view.external_id === args.external_id)?.id;
        if (!id || !this.views.has(id)) return { ok: false, error: 'not_found' };
        return {
          ok: true,
          view: this.viewJson(this.saveView(id, (args.view ?? {}) as Record<string, unknown>)),
        };
      }
      case 'views.publish': {
        const userId = str(args.user_id);
        let id = this.homeIds.get(userId);
        if (!id) {
          id = this.nextId('V');
          this.homeIds.set(userId, id);
        }
        return {
          ok: true,
          view: this.viewJson(this.saveView(id, (args.view ?? {}) as Record<string, unknown>, userId)),
        };
      }
      case 'users.info': {
        const user = this.users.get(str(args.user));
        return user ? { ok: true, user: this.userJson(user) } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const email = str(args.email).toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
        return user ? { ok: true, user: this.userJson(user) } : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open': {
        const users = str(args.users);
        if (!users && !args.channel) return { ok: false, error: 'users_list_not_supplied' };
        const id = users ? this.dmFor(users) : str(args.channel);
        return { ok: true, no_op: false, already_open: false, channel: { id, is_im: !users.includes(',') } };
      }
      case 'usergroups.users.update': {
        const users = str(args.users)
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean);
        this.usergroups.set(str(args.usergroup), users);
        return {
          ok: true,
          usergroup: { id: str(args.usergroup), team_id: w.teamId, users, user_count: users.length },
        };
      }
      case 'apps.connections.open':
        return { ok: true, url: this.connectionsUrl };
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (!Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const fileId = this.nextId('F');
        this.files.set(fileId, {
          id: fileId,
          filename: str(args.filename),
          length,
          bytes: null,
          title: null,
          channel: null,
          threadTs: null,
          initialComment: null,
          completed: false,
        });
        return { ok: true, upload_url: `${this.baseUrl()}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const raw = typeof args.files === 'string' ? (JSON.parse(args.files) as unknown) : args.files;
        const files = Array.isArray(raw) ? (raw as { id?: unknown; title?: unknown }[]) : [];
        if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
        // Every file must have been announced and its bytes POSTed, exactly the announced length.
        for (const f of files) {
          const known = this.files.get(str(f.id));
          if (!known?.bytes) return { ok: false, error: 'file_not_found' };
          if (known.bytes.length !== known.length) return { ok: false, error: 'file_upload_size_mismatch' };
        }
        if (args.thread_ts && !args.channel_id) return { ok: false, error: 'invalid_arguments' };
        for (const f of files) {
          const known = this.files.get(str(f.id));
          if (!known) continue;
          Object.assign(known, {
            title: str(f.title) || known.filename,
            channel: str(args.channel_id) || null,
            threadTs: str(args.thread_ts) || null,
            initialComment: str(args.initial_comment) || null,
            completed: true,
          });
        }
        return { ok: true, files: files.map((f) => ({ id: str(f.id), title: str(f.title) })) };
      }
      default:
        return this.channels.answer(method, args) ?? { ok: true };
    }
  }
}
