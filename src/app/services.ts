import type { MikroORM } from '@mikro-orm/postgresql';
import { askWhatFixedIt } from '../../blocks/resolve-modal.blocks.js';
import { AlertsService, incidentAlerts } from '../domains/alerts/index.js';
import { AuditService } from '../domains/audit/index.js';
import {
  type EscalationDirectory,
  type EscalationMetrics,
  EscalationService,
  incidentPages,
  LedgerService,
  PagingViewService,
  PoliciesService,
  policyReads,
  SimulatorService,
} from '../domains/escalation/index.js';
import { HeartbeatsService } from '../domains/heartbeats/index.js';
import {
  type CadencePolicy,
  CadenceSink,
  CoordinationService,
  DEFAULT_CADENCE,
  IncidentEventBus,
  IncidentsService,
  timelineQueries,
  UpdateReminders,
} from '../domains/incidents/index.js';
import {
  type KnowledgePorts,
  KnowledgeService,
  KnowledgeSink,
  rendererRead,
} from '../domains/knowledge/index.js';
import {
  type Destination,
  IncidentChannelsService,
  ledgerStepOf,
  ledgerTouched,
  OutboxService,
  slaReportRows,
} from '../domains/notify/index.js';
import {
  CONTACT_METHODS,
  ContactMethodsService,
  NotificationRulesService,
  type PhoneMetrics,
  PhonePagingService,
} from '../domains/paging/index.js';
import {
  ActionItemsService,
  PostmortemsService,
  resolutionFor,
  resolutionText,
} from '../domains/postmortems/index.js';
import {
  type ActionAdapters,
  httpAdapter,
  type RemediationMetrics,
  RemediationService,
  type RunNotifier,
} from '../domains/remediation/index.js';
import {
  type CardinalityLimits,
  cardinalityNotifier,
  DEFAULT_RETENTION,
  type RetentionPolicy,
  RollupAggregator,
  RollupsJanitor,
  RollupsService,
  RollupWriter,
} from '../domains/rollups/index.js';
import { HandoffsService, OnCallService, RostersService } from '../domains/rosters/index.js';
import { RunbooksService } from '../domains/runbooks/index.js';
import { ServiceCatalog, serviceQueries, serviceReads } from '../domains/services/index.js';
import { MaintenanceService, Silencer, SilencesService } from '../domains/silences/index.js';
import {
  SlaBurnAlerts,
  SlaCharts,
  type SlaLogsPort,
  type SlaMetricsPort,
  SlaService,
  SlaSnapshotter,
  SlaWeeklyReports,
} from '../domains/sla/index.js';
import { type MetricSink, TelemetryService } from '../domains/telemetry/index.js';
import { TenantsService, UsersService } from '../domains/tenants/index.js';
import { kubernetesAdapter } from '../kubernetes/deployments.adapter.js';
import type { Clock } from '../shared/clock.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { escalationDirectory } from './escalation-directory.js';
import { onCallFor, runbookCatalog } from './remediation-ports.js';
import { runNotifier } from './run-notifier.js';
import { slaMetricsFrom } from './sla-metrics.js';

/** Every domain service of one OpsWatch, wired together. Adapters (HTTP, Slack, jobs) call these, nothing else. */
export interface Services {
  tenants: TenantsService;
  users: UsersService;
  incidents: IncidentsService;
  /** Incidents' roles, status updates and followers. */
  coordination: CoordinationService;
  /** Reminders that a status update is due (the engine's module). */
  updateReminders: UpdateReminders;
  alerts: AlertsService;
  audit: AuditService;
  outbox: OutboxService;
  /** Incidents' own Slack channels: asked for, made step by step by the outbox, renamed, archived. */
  channels: IncidentChannelsService;
  rosters: RostersService;
  oncall: OnCallService;
  handoffs: HandoffsService;
  silences: SilencesService;
  maintenance: MaintenanceService;
  escalation: EscalationService;
  /** Services (what alerts name): their escalation policy and Slack channel (the Slack routes). */
  catalog: ServiceCatalog;
  policies: PoliciesService;
  /** Who a policy would page, how and when, for an incident triggering at an instant and never acknowledged. */
  simulator: SimulatorService;
  /** The escalation as people see it: the card's line, App Home's "Incidents paging you". */
  pagingView: PagingViewService;
  /** Each escalation step's delivery ledger under the incident's card, and where its thread reply is. */
  ledger: LedgerService;
  notificationRules: NotificationRulesService;
  /** People's phone numbers for SMS and voice pages, verified by a code (or by an admin). */
  contactMethods: ContactMethodsService;
  /** Pages by SMS and call: what each send says, throttling, bundling, Twilio's answers, callbacks and replies. */
  phonePaging: PhonePagingService;
  /** What the escalation engine reads policies, people's rules and managers through. */
  directory: EscalationDirectory;
  /** Heartbeat monitors: pings, and missed heartbeats raised as alerts of source `heartbeat`. */
  heartbeats: HeartbeatsService;
  /** The knowledge base: entries, search, the hint on new incidents' cards and pages, resolution captures. */
  knowledge: KnowledgeService;
  /** Postmortems drafted from resolved incidents: sections, review, publishing. */
  postmortems: PostmortemsService;
  /** Postmortems' action items, and the daily reminder of overdue ones. */
  actionItems: ActionItemsService;
  /**
   * Silver: metric rollups (series, totals and event counts of a service's metric over a range), the aggregator
   * telemetry feeds, its flush, the hour rollup and the janitor.
   */
  rollups: RollupsService;
  /** Telemetry: OTLP/events ingestion (redaction, routing to Bronze and the metric sink) and Bronze's reads. */
  telemetry: TelemetryService;
  /** Runbooks: versions, templates, their attachment to incidents, the actions the run pipeline reads. */
  runbooks: RunbooksService;
  /** Runs of runbook actions: start, approve/reject, list; the runs job works them through their stages. */
  remediation: RemediationService;
  /** SLA definitions (versions), snapshots, error budgets. */
  sla: SlaService;
  /** The nightly SLA snapshots (and their backfill), the engine's module. */
  slaSnapshots: SlaSnapshotter;
  /** Error budget burn alerts (multi-window, multi-burn-rate), the engine's module. */
  slaBurn: SlaBurnAlerts;
  /** SLA charts (PNG): the last 24 h against the week before. */
  slaCharts: SlaCharts;
  /** The weekly SLA report to each tenant's report channel (Mondays 09:00 UTC). */
  slaReports: SlaWeeklyReports;
}

/** What the services tell the process's metrics. */
export interface ServiceMetrics {
  deliveryFailed(destination: Destination, reason: string): void;
  unrouted(): void;
  expired(destination: Destination, reason: string): void;
  escalation?: EscalationMetrics;
  phone?: PhoneMetrics;
  remediation?: RemediationMetrics;
  /** Telemetry data points not stored, by reason. */
  telemetryDropped?: (reason: string, points: number) => void;
}

export interface ServiceOptions {
  log?: Logger;
  /** SLACK_DEFAULT_CHANNEL */
  slackDefaultChannel?: string | undefined;
  /** SLA_REPORT_CHANNEL: where weekly SLA reports go unless a tenant's `slaReportChannel` says (unset: none). */
  slaReportChannel?: string | undefined;
  /** PUBLIC_BASE_URL, for iCal feed links */
  publicBaseUrl?: string | undefined;
  metrics?: ServiceMetrics;
  /** Twilio is set up: SMS and voice pages go out. */
  phonesOn?: boolean;
  /** Hours after resolution an incident's channel is archived, unless its service says (default 24). */
  channelArchiveHours?: number;
  /** Policies, notification rules and managers for the escalation engine (default: the domains' own). */
  escalationDirectory?: EscalationDirectory;
  /** UPDATE_CADENCE: how often a status update is due per severity (default P1 30 min, P2 60 min). */
  updateCadence?: CadencePolicy;
  /** Where ingested metric points go; default: Silver's aggregator (`rollups.sink`). */
  metricSink?: MetricSink;
  /** TELEMETRY_HASH_SECRET: the HMAC key of user ids in telemetry (unset: generated and kept per install). */
  telemetryHashSecret?: string | undefined;
  /** KUBERNETES_ALLOWED_NAMESPACES: namespaces runbook actions may target (default `default`). */
  runbookNamespaces?: readonly string[];
  /** Runbook actions' adapters (default: http, and kubernetes through `kubeconfig`, else in-cluster). */
  actionAdapters?: ActionAdapters;
  /** OPSWATCH_KUBECONFIG (else KUBECONFIG): the kubeconfig file `kubernetes` actions use; unset: in-cluster. */
  kubeconfig?: string | undefined;
  /** Where `${env:NAME}` header secrets of `http` actions come from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The runs' Slack message and approvers' DMs (the outbox). */
  runNotifier?: RunNotifier;
  /** TELEMETRY_CARDINALITY_WARN and TELEMETRY_CARDINALITY_LIMIT (default 10,000 and 50,000). */
  cardinality?: CardinalityLimits;
  /** TELEMETRY_*_RETENTION_DAYS (default Bronze 7, Silver minutes 30, hours 90 days). */
  retention?: RetentionPolicy;
  /** Silver's rollups as SLAs read them (default: the rollups service; null: no event figures, no burn alerts). */
  slaMetrics?: SlaMetricsPort | null;
  /** Bronze's recent errors of a service, for burn alerts (default: the telemetry service). */
  slaLogs?: SlaLogsPort | null;
}

/**
 * Builds the domain services and wires domain to domain, the same way in every process whatever roles it runs:
 * incident events (recorded by incidents and alert ingestion) go through one bus to the notification router —
 * its subscribers run in the recording transaction, in the order subscribed here — and handoffs are announced
 * through the outbox. Whether this process delivers anything is the delivery registry's business, not theirs.
 */
export function createServices(orm: MikroORM, clock: Clock, opts: ServiceOptions = {}): Services {
  const log = opts.log ?? createLogger('silent');
  const baseUrl = opts.publicBaseUrl ?? 'http://localhost:3000';
  const events = new IncidentEventBus();
  const tenants = new TenantsService(orm, clock);
  // The alerts ↔ incidents port: incidents read and end alerts through the alerts domain; alerts ingest through
  // the incidents' ingest port.
  const incidents = new IncidentsService(orm, clock, events, incidentAlerts, incidentPages);
  const catalog = new ServiceCatalog(orm, clock, opts.slackDefaultChannel ?? null);
  const outbox = new OutboxService(orm, clock, {
    channels: { channels: serviceQueries.channels },
    recordNotice: incidents.recordNotice,
    recordNotices: incidents.recordNotices,
    defaultChannel: opts.slackDefaultChannel ?? null,
    log,
    ...(opts.metrics
      ? {
          onFailure: opts.metrics.deliveryFailed,
          onUnrouted: opts.metrics.unrouted,
          onExpired: opts.metrics.expired,
        }
      : {}),
  });
  const archiveHours = opts.channelArchiveHours ?? 24;
  const channels = new IncidentChannelsService(orm, clock, {
    findIncident: (actor, ref) => incidents.get(actor, ref),
    recordNotice: incidents.recordNotice,
    autoChannel: serviceQueries.autoChannel,
    archiveHours: (tenantId, service) => serviceQueries.channelArchiveHours(tenantId, service, archiveHours),
  });
  const directory = opts.escalationDirectory ?? escalationDirectory;
  const policies = new PoliciesService(orm, clock, { servicesUsing: serviceReads.usingPolicy });
  const escalation = new EscalationService(orm, {
    clock,
    log,
    directory,
    recordNotice: incidents.recordNotice,
    recordAs: incidents.recordAs,
    recordNotices: incidents.recordNotices,
    noticeInsert: timelineQueries.insertNotices,
    enqueue: outbox.enqueue,
    enqueueReturning: outbox.enqueueReturning,
    ackTimedOut: (tenantId, incidentId, minutes) => incidents.ackTimedOut(tenantId, incidentId, minutes),
    openTest: incidents.openTest,
    endTest: (tenantId, incidentId, note) => incidents.endTest(tenantId, incidentId, note),
    defaultChannel: opts.slackDefaultChannel ?? null,
    phonesOn: opts.phonesOn ?? false,
    ...(opts.metrics?.escalation ? { metrics: opts.metrics.escalation } : {}),
  });
  // Replies to pages (an SMS, a key pressed on a call) act as the person paged, through the incidents and
  // escalation services like any other change.
  const phonePaging = new PhonePagingService(orm, {
    clock,
    log,
    recordNotice: incidents.recordNotice,
    enqueue: outbox.enqueue,
    act: async (actor, action, ref, place) => {
      if (action === 'acknowledge') {
        await incidents.acknowledge(actor, ref);
        return `Acknowledged ${ref}.`;
      }
      if (action === 'resolve') {
        await incidents.resolve(actor, ref);
        return `Resolved ${ref}.`;
      }
      return (await escalation.escalate(actor, ref, place)).message;
    },
    // Each step whose pages changed (claimed, sent, delivered, failed) shows it in its ledger under the card.
    pagesChanged: (em, pages, at) => ledgerTouched(em, pages.map(ledgerStepOf), at),
    pageOutcome: (em, page, status, at, reason) => escalation.outcome(em, page, status, at, reason),
    ...(opts.metrics?.phone ? { metrics: opts.metrics.phone } : {}),
  });
  // Subscribers of incident events, in order (SLA and knowledge base will join here). A new incident's service
  // is created on first sight (with no policy), then the escalation engine (what it records — escalation
  // started, pages cancelled — is routed with the rest), then the notification router.
  // The knowledge base files resolutions (and entries) in the resolving transaction; one that resolved by itself
  // only queues its "what fixed it?" ask there, so alert ingestion does no look-up for it.
  const knowledgePorts: KnowledgePorts = {
    facts: incidents.facts,
    alerts: (em, tenantId, incidentId, limit) => incidentAlerts.list(em, tenantId, incidentId, limit),
  };
  const knowledge = new KnowledgeService(
    orm,
    clock,
    {
      ...knowledgePorts,
      incidentOf: async (actor, ref) => {
        const d = await incidents.get(actor, ref);
        return { id: d.id, number: d.number, status: d.status };
      },
      resolve: (actor, ref, note, capture) => incidents.resolve(actor, ref, note, capture),
      recordAs: incidents.recordAs,
    },
    {
      detail: rendererRead((actor, ref) => incidents.get(actor, ref)),
      enqueue: outbox.enqueue,
      renderAsk: (view) => askWhatFixedIt(view, { now: clock.now(), baseUrl }),
      log,
    },
  );
  events.subscribe(catalog.sighting);
  events.subscribe(escalation.sink);
  events.subscribe(channels.sink);
  // Each incident's status update cadence follows its opening, updates, severity and resolution.
  events.subscribe(new CadenceSink(opts.updateCadence ?? DEFAULT_CADENCE));
  events.subscribe(new KnowledgeSink(knowledgePorts));
  // Actions of attached runbooks marked `auto` start their runs in the attaching transaction.
  events.subscribe({ record: (em, evs) => remediation.autoRunSink(incidents.facts).record(em, evs) });
  events.subscribe(outbox.router);
  // Postmortems read incidents through the incidents service and publish on the incident's timeline; their
  // Resolution section starts from what the knowledge base captured (else the resolve's note).
  const postmortems = new PostmortemsService(orm, {
    clock,
    incident: (actor, ref) => incidents.get(actor, ref),
    recordAs: incidents.recordAs,
    settings: (tenantId) => tenants.settings(tenantId),
    resolutionFor: async (actor, incident) => {
      const c = await knowledge.resolutionOf(actor, incident.id);
      const told = c
        ? resolutionText({
            fix: c.fix,
            rootCause: c.rootCause,
            by: (c.capturedBy ?? c.resolvedBy).name,
            entryRef: c.entry?.ref ?? null,
          })
        : '';
      return told || resolutionFor(actor, incident);
    },
  });
  // Users and schedules an escalation policy names are not deleted.
  const references = { using: policyReads.using };
  // Silences and maintenance windows hold back matching alerts at ingestion (the alerts' silencing port); when one
  // ends early, its held alerts are looked at again at the engine's next tick.
  const silencer = new Silencer();
  const alerts = new AlertsService(orm, clock, (id) => tenants.settings(id), incidents.ingestPort, silencer);
  const silenceDeps = { orm, clock, silencer, endHolds: alerts.endHolds };
  const runbooks = new RunbooksService({
    orm,
    clock,
    namespaces: opts.runbookNamespaces ?? ['default'],
    recordNotices: incidents.recordNotices,
  });
  const remediation = new RemediationService({
    orm,
    clock,
    log,
    catalog: runbookCatalog(runbooks),
    incident: (actor, ref) => incidents.get(actor, ref),
    recordAs: incidents.recordAs,
    onCallFor: onCallFor(directory),
    adapters: opts.actionAdapters ?? {
      http: httpAdapter,
      kubernetes: kubernetesAdapter({
        kubeconfig: opts.kubeconfig,
        namespaces: opts.runbookNamespaces ?? ['default'],
      }),
    },
    env: opts.env ?? process.env,
    notifier:
      opts.runNotifier ??
      runNotifier({ cardLane: outbox.cardLane, enqueue: outbox.enqueue, facts: incidents.facts }),
    ...(opts.metrics?.remediation ? { metrics: opts.metrics.remediation } : {}),
  });
  // Metric points ingestion takes go to Silver's in-memory aggregator (flushed every 60 s by HTTP processes).
  const aggregator = new RollupAggregator();
  const telemetry = new TelemetryService(orm, clock, {
    settings: (tenantId) => tenants.settings(tenantId),
    sink: opts.metricSink ?? aggregator,
    hashSecret: opts.telemetryHashSecret,
  });
  const rollups = new RollupsService(
    orm,
    {
      aggregator,
      writer: new RollupWriter({
        orm,
        clock,
        aggregator,
        limits: opts.cardinality ?? { warnAt: 10_000, limit: 50_000 },
        notify: cardinalityNotifier({
          enqueue: outbox.enqueue,
          adminChannel: async (tenantId) => {
            const own = (await tenants.settings(tenantId)).adminChannel;
            return typeof own === 'string' && own ? own : (opts.slackDefaultChannel ?? null);
          },
        }),
        ...(opts.metrics?.telemetryDropped ? { dropped: opts.metrics.telemetryDropped } : {}),
      }),
      janitor: new RollupsJanitor(orm, opts.retention ?? DEFAULT_RETENTION, telemetry, log),
    },
    clock,
  );
  const sla = new SlaService(orm, clock);
  // SLAs read Silver (rollups) and Bronze (recent errors) unless a caller says otherwise.
  const slaMetrics = opts.slaMetrics === undefined ? slaMetricsFrom(rollups) : opts.slaMetrics;
  const slaLogs = opts.slaLogs === undefined ? telemetry : opts.slaLogs;
  return {
    remediation,
    tenants,
    outbox,
    channels,
    users: new UsersService(orm, clock, references),
    incidents,
    coordination: new CoordinationService(orm, clock, events, incidentAlerts, outbox.updateNotifier),
    updateReminders: new UpdateReminders(orm, clock, events, outbox.updateNotifier),
    alerts,
    silences: new SilencesService({ ...silenceDeps, incidents }),
    maintenance: new MaintenanceService({
      ...silenceDeps,
      channels: { channels: serviceQueries.channels },
      defaultChannel: opts.slackDefaultChannel ?? null,
      enqueue: outbox.enqueue,
    }),
    audit: new AuditService(orm),
    rosters: new RostersService(orm, clock, baseUrl, references),
    oncall: new OnCallService(orm, clock, baseUrl),
    handoffs: new HandoffsService(orm, clock, outbox.enqueueHandoffs),
    escalation,
    catalog,
    policies,
    pagingView: new PagingViewService(orm),
    ledger: new LedgerService(orm, clock),
    simulator: new SimulatorService(orm, { engine: escalation.engine, directory, policies, clock }),
    notificationRules: new NotificationRulesService(orm, clock, CONTACT_METHODS),
    contactMethods: new ContactMethodsService(orm, clock, { enqueue: outbox.enqueue }),
    phonePaging,
    directory,
    heartbeats: new HeartbeatsService(orm, clock, alerts, baseUrl),
    knowledge,
    postmortems,
    actionItems: new ActionItemsService(orm, postmortems, { clock, enqueue: outbox.enqueue }),
    rollups,
    telemetry,
    sla,
    slaSnapshots: new SlaSnapshotter(orm, clock, slaMetrics, log),
    slaBurn: new SlaBurnAlerts(orm, clock, {
      alerts,
      metrics: slaMetrics,
      logs: slaLogs,
      onBurn: (tenantId, service, burn) => sla.noteBurn(tenantId, service, burn),
      // A burn's incident gets its chart in each card's thread (queued in the transaction that opened it).
      onOpened: (em, o) =>
        outbox.enqueueChart(em, {
          tenantId: o.tenantId,
          incidentId: o.incidentId,
          definitionKey: o.definitionKey,
          service: o.service,
          at: o.now,
        }),
    }),
    runbooks,
    slaCharts: new SlaCharts(orm, slaMetrics),
    slaReports: new SlaWeeklyReports(orm, clock, {
      channelOf: async (tenantId) => {
        const own = (await tenants.settings(tenantId)).slaReportChannel;
        return typeof own === 'string' && own ? own : (opts.slaReportChannel?.replace(/^#/, '') ?? null);
      },
      enqueue: (em, r) => outbox.enqueue(em, slaReportRows(r)),
    }),
  };
}
