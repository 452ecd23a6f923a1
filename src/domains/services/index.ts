export { ServiceCatalog, serviceReads, type UpsertOutcome } from './services.service.js';
export { serviceQueries } from './services.store.js';
export * from './services.types.js';
