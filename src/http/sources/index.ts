export * from './alertmanager.source.js';
export * from './generic.source.js';
export * from './grafana.source.js';
export * from './pagerduty.source.js';
