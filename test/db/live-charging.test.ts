import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {liveCharging} from '../../source/db/queries/live-charging.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {chargingStation, fleet, meter, organization, startSession, vehicle} from './live-fixtures.js';

let db: TestDatabase;
let org: string;
let fleetId: string;
let otherFleet: string;
const stations: Record<string, {id: string; connectorIds: string[]}> = {};
const sessions: Record<string, string> = {};

// Tahrir Square; Zamalek is ~2 km away, Maadi ~10 km, Alexandria ~180 km.
const tahrir = {latitude: 30.0444, longitude: 31.2357};

beforeAll(async () => {
	db = await createTestDatabase();
	const {sql} = db;
	org = await organization(sql, 'charging-live');
	fleetId = await fleet(sql, org, 'Depot A');
	otherFleet = await fleet(sql, org, 'Depot B');
	stations['tahrir'] = await chargingStation(sql, {organizationId: org, name: 'Tahrir hub', lat: 30.0444, lon: 31.2357, connectors: ['occupied', 'occupied', 'available', 'faulted']});
	stations['zamalek'] = await chargingStation(sql, {name: 'Zamalek public', lat: 30.0609, lon: 31.2197, heartbeatSecondsAgo: 3600, connectors: ['available', 'available']});
	stations['maadi'] = await chargingStation(sql, {name: 'Maadi public', lat: 29.9602, lon: 31.2569, connectors: ['offline', 'available']});
	stations['alex'] = await chargingStation(sql, {name: 'Alexandria', lat: 31.2001, lon: 29.9187, connectors: ['available']});
	const a = await vehicle(sql, org, fleetId, {plate: 'CHG 1', status: 'charging'});
	const b = await vehicle(sql, org, otherFleet, {plate: 'V2G 2', status: 'charging'});
	sessions['a'] = await startSession(sql, {organizationId: org, vehicleId: a.id, connectorId: stations['tahrir'].connectorIds[0]!, minutesAgo: 30, startSoc: 20});
	sessions['b'] = await startSession(sql, {organizationId: org, vehicleId: b.id, connectorId: stations['tahrir'].connectorIds[1]!, minutesAgo: 10, startSoc: 80, v2g: true});
	await meter(sql, {organizationId: org, sessionId: sessions['a'], secondsAgo: 120, powerKw: 45, energyKwh: 18, soc: 48});
	await meter(sql, {organizationId: org, sessionId: sessions['a'], secondsAgo: 5, powerKw: 44, energyKwh: 20, soc: 51});
	await meter(sql, {organizationId: org, sessionId: sessions['b'], secondsAgo: 5, powerKw: 7, energyKwh: 1.2, soc: 78, direction: 'to_grid'});
	// A finished session of 6 h on the Maadi connector, inside the last 24 h: utilisation 6 / (24 × 2) = 12.5 %.
	const c = await vehicle(sql, org, fleetId, {plate: 'OLD 3'});
	await sql`insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, ended_at, energy_kwh, status)
	          values (${org}, ${c.id}, ${stations['maadi'].connectorIds[1]!}, now() - interval '10 hours', now() - interval '4 hours', 30, 'completed')`;
});

afterAll(async () => {
	await db?.close();
});

describe('liveCharging', () => {
	it('lists sessions in progress with kW now, kWh, SoC start → now, cost so far and V2G direction', async () => {
		const snapshot = await liveCharging(db.sql, {});
		expect(snapshot.sessions.map(s => s.plate)).toEqual(['CHG 1', 'V2G 2']);
		const [a, b] = snapshot.sessions;
		expect(a).toMatchObject({stationName: 'Tahrir hub', connectorNumber: 1, powerKw: 44, energyKwh: 20, startSocPct: 20, socPct: 51, direction: 'from_grid', isV2g: false, currency: 'EGP'});
		// 20 kWh × 0.5 + 30 min × 0.1
		expect(a!.costSoFar).toBeCloseTo(13, 1);
		expect(a!.elapsedSeconds).toBeGreaterThanOrEqual(1800);
		expect(a!.startedAt).toBeInstanceOf(Date);
		expect(b).toMatchObject({direction: 'to_grid', isV2g: true, powerKw: 7});
		expect(snapshot.summary).toMatchObject({activeSessions: 2, v2gSessions: 1, stations: 4, staleStations: 1});
		expect(snapshot.summary.connectors).toEqual({available: 5, occupied: 2, reserved: 0, faulted: 1, offline: 1});
	});

	it('puts stale heartbeats, then faulted and offline connectors, first on the station board', async () => {
		const snapshot = await liveCharging(db.sql, {});
		expect(snapshot.stations.map(s => s.name)).toEqual(['Zamalek public', 'Tahrir hub', 'Maadi public']);
		const tahrirRow = snapshot.stations.find(s => s.name === 'Tahrir hub')!;
		expect(tahrirRow).toMatchObject({connectors: 4, available: 1, occupied: 2, faulted: 1, offline: 0, heartbeatStale: false});
		expect(snapshot.stations[0]!.heartbeatStale).toBe(true);
		const maadi = snapshot.stations.find(s => s.name === 'Maadi public')!;
		expect(maadi.utilisation24h).toBeCloseTo(0.125, 2);
	});

	it('watches an area: stations within the radius, nearest first, with their distance', async () => {
		const snapshot = await liveCharging(db.sql, {near: {...tahrir, radiusKm: 5}});
		expect(snapshot.stations.map(s => s.name)).toEqual(['Tahrir hub', 'Zamalek public']);
		expect(snapshot.stations[1]!.distanceM).toBeGreaterThan(1500);
		expect(snapshot.stations[1]!.distanceM).toBeLessThan(3000);
		expect(snapshot.summary.stations).toBe(2);
		const wide = await liveCharging(db.sql, {near: {...tahrir, radiusKm: 15}});
		expect(wide.stations.map(s => s.name)).toEqual(['Tahrir hub', 'Zamalek public', 'Maadi public']);
		const elsewhere = await liveCharging(db.sql, {near: {latitude: 31.2, longitude: 29.92, radiusKm: 5}});
		expect(elsewhere.sessions).toEqual([]);
		expect(elsewhere.summary.activeSessions).toBe(0);
	});

	it('filters sessions by fleet and the board by connector status', async () => {
		const fleetOnly = await liveCharging(db.sql, {fleetId});
		expect(fleetOnly.sessions.map(s => s.plate)).toEqual(['CHG 1']);
		const offline = await liveCharging(db.sql, {connectorStatus: 'offline'});
		expect(offline.stations.map(s => s.name)).toEqual(['Maadi public']);
	});

	it('follows new meter values and ended sessions', async () => {
		await meter(db.sql, {organizationId: org, sessionId: sessions['a']!, secondsAgo: 0, powerKw: 30, energyKwh: 21.5, soc: 53});
		let snapshot = await liveCharging(db.sql, {});
		expect(snapshot.sessions[0]).toMatchObject({powerKw: 30, energyKwh: 21.5, socPct: 53});
		await db.sql`update charging_sessions set status = 'completed', ended_at = now() where id = ${sessions['b']!}`;
		snapshot = await liveCharging(db.sql, {});
		expect(snapshot.sessions.map(s => s.plate)).toEqual(['CHG 1']);
		await db.sql`update charging_sessions set status = 'active', ended_at = null where id = ${sessions['b']!}`;
	});

	it('finds the area through the GiST index on station locations (EXPLAIN, sequential scans off)', async () => {
		const texts: string[] = [];
		const spy = db.connect({max: 1});
		(spy as unknown as {options: {debug: unknown}}).options.debug = (_c: number, query: string, parameters: unknown[]) => texts.push(JSON.stringify({query, parameters}));
		await liveCharging(spy, {near: {...tahrir, radiusKm: 5}});
		const {query, parameters} = JSON.parse(texts.at(-1)!) as {query: string; parameters: unknown[]};
		// Four stations make a sequential scan cheapest; with it off the planner shows whether the index can serve.
		const plan = await db.sql.begin(async sql => {
			await sql`set local enable_seqscan = off`;
			return (await sql.unsafe(`explain ${query}`, parameters as never[])).map(row => Object.values(row)[0]).join('\n');
		});
		expect(plan).toContain('charging_stations_location_gist');
		expect(plan).not.toMatch(/vehicle_telematics/);
	});
});

describe('liveCharging board filter', () => {
	it('finds stations with an available connector even when nothing is wrong with them', async () => {
		const snapshot = await liveCharging(db.sql, {connectorStatus: 'available'});
		expect(snapshot.stations.map(s => s.name).sort()).toEqual(['Alexandria', 'Maadi public', 'Tahrir hub', 'Zamalek public']);
	});
});
