import { Migration20261122000001_foundation } from './Migration20261122000001_foundation.js';
import { Migration20261122000002_slack } from './Migration20261122000002_slack.js';
import { Migration20261122000003_rosters } from './Migration20261122000003_rosters.js';
import { Migration20261201000001_handoffs } from './Migration20261201000001_handoffs.js';
import { Migration20261201000002_outbox_leases } from './Migration20261201000002_outbox_leases.js';
import { Migration20261208000001_roles_and_scopes } from './Migration20261208000001_roles_and_scopes.js';
import { Migration20261208000002_row_level_security } from './Migration20261208000002_row_level_security.js';
import { Migration20261215000001_typed_timeline } from './Migration20261215000001_typed_timeline.js';
import { Migration20261215000002_outbox_destinations } from './Migration20261215000002_outbox_destinations.js';
import { Migration20261216000001_services_and_policies } from './Migration20261216000001_services_and_policies.js';
import { Migration20261216000002_escalations } from './Migration20261216000002_escalations.js';
import { Migration20261217000001_twilio_paging } from './Migration20261217000001_twilio_paging.js';
import { Migration20261217000002_test_pages } from './Migration20261217000002_test_pages.js';
import { Migration20261218000001_silences } from './Migration20261218000001_silences.js';
import { Migration20261218000002_heartbeats } from './Migration20261218000002_heartbeats.js';
import { Migration20261218000003_merge } from './Migration20261218000003_merge.js';
import { Migration20261218000004_incident_channels } from './Migration20261218000004_incident_channels.js';
import { Migration20261218000005_roles_and_updates } from './Migration20261218000005_roles_and_updates.js';
import { Migration20261218000006_ingest_numbering } from './Migration20261218000006_ingest_numbering.js';
import { Migration20261218000007_knowledge } from './Migration20261218000007_knowledge.js';
import { Migration20261218000008_postmortems } from './Migration20261218000008_postmortems.js';
import { Migration20261219000001_runbooks } from './Migration20261219000001_runbooks.js';
import { Migration20261219000002_runbook_runs } from './Migration20261219000002_runbook_runs.js';
import { Migration20261219000003_telemetry_bronze } from './Migration20261219000003_telemetry_bronze.js';
import { Migration20261219000004_silver } from './Migration20261219000004_silver.js';
import { Migration20261219000005_sla } from './Migration20261219000005_sla.js';
import { Migration20261220000001_ingest_lookups } from './Migration20261220000001_ingest_lookups.js';
import { Migration20261221000001_incident_child_keys } from './Migration20261221000001_incident_child_keys.js';

/** Every migration, in order. Listed explicitly so no folder discovery is needed at run time. */
export const migrationsList = [
  { name: 'Migration20261122000001_foundation', class: Migration20261122000001_foundation },
  { name: 'Migration20261122000002_slack', class: Migration20261122000002_slack },
  { name: 'Migration20261122000003_rosters', class: Migration20261122000003_rosters },
  { name: 'Migration20261201000001_handoffs', class: Migration20261201000001_handoffs },
  { name: 'Migration20261201000002_outbox_leases', class: Migration20261201000002_outbox_leases },
  { name: 'Migration20261208000001_roles_and_scopes', class: Migration20261208000001_roles_and_scopes },
  { name: 'Migration20261208000002_row_level_security', class: Migration20261208000002_row_level_security },
  { name: 'Migration20261215000001_typed_timeline', class: Migration20261215000001_typed_timeline },
  { name: 'Migration20261215000002_outbox_destinations', class: Migration20261215000002_outbox_destinations },
  {
    name: 'Migration20261216000001_services_and_policies',
    class: Migration20261216000001_services_and_policies,
  },
  { name: 'Migration20261216000002_escalations', class: Migration20261216000002_escalations },
  { name: 'Migration20261217000001_twilio_paging', class: Migration20261217000001_twilio_paging },
  { name: 'Migration20261217000002_test_pages', class: Migration20261217000002_test_pages },
  { name: 'Migration20261218000001_silences', class: Migration20261218000001_silences },
  { name: 'Migration20261218000002_heartbeats', class: Migration20261218000002_heartbeats },
  { name: 'Migration20261218000003_merge', class: Migration20261218000003_merge },
  { name: 'Migration20261218000004_incident_channels', class: Migration20261218000004_incident_channels },
  { name: 'Migration20261218000005_roles_and_updates', class: Migration20261218000005_roles_and_updates },
  { name: 'Migration20261218000006_ingest_numbering', class: Migration20261218000006_ingest_numbering },
  { name: 'Migration20261218000007_knowledge', class: Migration20261218000007_knowledge },
  { name: 'Migration20261218000008_postmortems', class: Migration20261218000008_postmortems },
  { name: 'Migration20261219000001_runbooks', class: Migration20261219000001_runbooks },
  { name: 'Migration20261219000002_runbook_runs', class: Migration20261219000002_runbook_runs },
  { name: 'Migration20261219000003_telemetry_bronze', class: Migration20261219000003_telemetry_bronze },
  { name: 'Migration20261219000004_silver', class: Migration20261219000004_silver },
  { name: 'Migration20261219000005_sla', class: Migration20261219000005_sla },
  { name: 'Migration20261220000001_ingest_lookups', class: Migration20261220000001_ingest_lookups },
  { name: 'Migration20261221000001_incident_child_keys', class: Migration20261221000001_incident_child_keys },
];
