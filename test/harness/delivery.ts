import {
  type DeliveryAdapter,
  type DeliveryRegistry,
  type Destination,
  deliveryRegistry,
} from '../../src/domains/notify/index.js';

/**
 * The same adapters with every send wrapped (tests: an answer lost on the way back, a worker that dies after
 * Slack accepted the post). Look-ups of earlier attempts are kept as they are.
 */
export function wrapSends(
  registry: DeliveryRegistry,
  wrap: (send: DeliveryAdapter['send']) => DeliveryAdapter['send'],
): DeliveryRegistry {
  const adapters: Partial<Record<Destination, DeliveryAdapter>> = {};
  for (const d of registry.served) {
    const a = registry.adapterFor(d);
    if (!a) continue;
    const find = a.findSent?.bind(a);
    adapters[d] = { send: wrap(a.send.bind(a)), ...(find ? { findSent: find } : {}) };
  }
  return deliveryRegistry(adapters);
}
