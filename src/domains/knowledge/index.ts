export type { KnowledgePorts } from './knowledge.capture.js';
export { type KnowledgeDeps, KnowledgeService } from './knowledge.service.js';
export { KnowledgeSink } from './knowledge.sink.js';
export * from './knowledge.types.js';
export { type AskDeps, type AskView, askPending, rendererRead } from './knowledge-asks.js';
export { incidentSignature } from './signature.calc.js';
