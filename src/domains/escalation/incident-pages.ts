import type { IncidentPagesPort } from '../incidents/index.js';
import { mergedPagesStore } from './merged-pages.store.js';

/** The escalation domain's side of the incidents' `IncidentPagesPort` (a merge moves the pages). */
export const incidentPages: IncidentPagesPort = {
  moveAll: (em, tenantId, from, to) => mergedPagesStore.move(em, tenantId, from, to),
};
