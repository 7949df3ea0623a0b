// Vehicles as the domain sees them: statuses, connectivity and its thresholds (one rule for the views, the
// inspector and `evfleet vehicle`). No imports: model is the leaf.

export const vehicleStatuses = ['active', 'charging', 'idle', 'maintenance', 'offline', 'retired'] as const;

export type VehicleStatus = (typeof vehicleStatuses)[number];

/** From connectivity_status() in the schema (age of the last report: online ≤ 5 min, stale ≤ 1 h, else offline). */
export const connectivities = ['online', 'stale', 'offline'] as const;

export type Connectivity = (typeof connectivities)[number];

/**
 * connectivity_status() (sql/schema.sql) as ranges on the last report time, which the planner can estimate and
 * an index could serve; the same thresholds (5 min, 1 h), checked against the function by the browse tests.
 */
export const connectivityThresholdSeconds = {online: 300, stale: 3600} as const;
