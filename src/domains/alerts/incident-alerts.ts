import type { IncidentAlertsPort } from '../incidents/index.js';
import { alertsStore } from './alerts.store.js';

/**
 * The alerts domain's side of the incidents' `IncidentAlertsPort`: what incidents read of, and do to, the alerts
 * grouped into them. Wired to the incidents domain in the composition root.
 */
export const incidentAlerts: IncidentAlertsPort = {
  list: (em, tenantId, incidentId, limit) => alertsStore.ofIncident(em, tenantId, incidentId, limit),
  counts: (em, tenantId, incidentIds) => alertsStore.counts(em, tenantId, incidentIds),
  endFiring: (em, tenantId, incidentId, at) => alertsStore.endFiring(em, tenantId, incidentId, at),
  moveAll: (em, tenantId, from, to, at) => alertsStore.moveToIncident(em, tenantId, from, to, at),
};
