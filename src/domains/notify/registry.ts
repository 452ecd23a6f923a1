import { DESTINATIONS, type Destination } from './destinations.js';
import type { DeliveryAdapter } from './outbox.types.js';

/**
 * The delivery adapters of this process, by destination. A process delivers only what it has an adapter for:
 * rows of other destinations stay pending for a process that has one (or expire, see OutboxService.expire).
 */
export interface DeliveryRegistry {
  adapterFor(destination: Destination): DeliveryAdapter | undefined;
  /** The destinations with an adapter here. */
  readonly served: readonly Destination[];
}

export function deliveryRegistry(
  adapters: Partial<Record<Destination, DeliveryAdapter>> = {},
): DeliveryRegistry {
  const map = new Map(Object.entries(adapters) as [Destination, DeliveryAdapter][]);
  return {
    adapterFor: (d) => map.get(d),
    served: DESTINATIONS.filter((d) => map.has(d)),
  };
}

/** Several adapters' registries as one (later ones win on a shared destination). */
export function combineRegistries(...registries: DeliveryRegistry[]): DeliveryRegistry {
  const adapters: Partial<Record<Destination, DeliveryAdapter>> = {};
  for (const r of registries)
    for (const d of r.served) {
      const a = r.adapterFor(d);
      if (a) adapters[d] = a;
    }
  return deliveryRegistry(adapters);
}
