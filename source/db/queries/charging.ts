// Charging: stations, connectors and sessions (nearest available connectors here; live views add more).
import type {Sql} from 'postgres';
import type {NearestConnectorRow} from '../../model/data-sources.js';

export type NearestConnectorRequest = {
	latitude: number;
	longitude: number;
	/** Only this connector type (CCS2, Type2 …); null or undefined: any. */
	connectorType?: string | null;
	radiusKm?: number;
	limit?: number;
};

/** Available connectors nearest to a point, nearest first: the schema's nearest_available_connectors() (GiST KNN). */
export async function nearestAvailableConnectors(sql: Sql, request: NearestConnectorRequest): Promise<NearestConnectorRow[]> {
	return sql<NearestConnectorRow[]>`
		select station_id, station_name, station_organization_id, operator_name, connector_id, connector_number, connector_type,
		       max_power_kw, price_per_kwh, price_per_minute, currency, distance_m, latitude, longitude
		from nearest_available_connectors(
			${request.longitude}::double precision, ${request.latitude}::double precision, ${request.connectorType ?? null}::text,
			${request.radiusKm ?? 50}::double precision, ${request.limit ?? 5}::integer)`;
}
