// `evfleet vehicle` and the inspector show one vehicle from one composition (db getVehicleDetail + listTelematics
// with model's gap rule): the same identity, latest state, charging session and gaps, against a real database.
import React from 'react';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createConsoleData} from '../../source/app/console-sources.js';
import VehicleInspectorScreen from '../../source/screens/VehicleInspectorScreen.js';
import {formatNumber} from '../../source/text/formats.js';
import {runCli} from '../helpers/cli.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {waitForFrame} from '../helpers/fakes.js';
import * as fixture from './browse-fixtures.js';

let db: TestDatabase;
let v: fixture.VehicleFixture;

beforeAll(async () => {
	db = await createTestDatabase();
	const org = await fixture.organization(db.sql);
	const depot = await fixture.fleet(db.sql, org.id, {depot: [13.4, 52.52]});
	v = await fixture.vehicle(db.sql, {organizationId: org.id, fleetId: depot.id});
	// Whole seconds, so the CLI's JSON (ISO, milliseconds) and the inspector's clock text name the same rows.
	const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
	// 5 reports a minute apart, a 41-minute silence (a gap), then 10 more
	await fixture.telematics(db.sql, v, [...fixture.series(10, new Date(end.getTime() - 45 * 60_000), 60), ...fixture.series(5, end, 60)]);
	const [station] = await db.sql<{id: string}[]>`
		insert into charging_stations (organization_id, name, location)
		values (${v.organizationId}, 'Spree Hub', st_setsrid(st_makepoint(13.41, 52.52), 4326)::geography) returning id`;
	const [connector] = await db.sql<{id: string}[]>`
		insert into charging_connectors (station_id, organization_id, connector_number, connector_type, max_power_kw, status)
		values (${station!.id}, ${v.organizationId}, 2, 'CCS2', 150, 'occupied') returning id`;
	const started = new Date(Date.now() - 20 * 60_000);
	const [session] = await db.sql<{id: string}[]>`
		insert into charging_sessions (organization_id, vehicle_id, connector_id, started_at, start_soc_pct, status)
		values (${v.organizationId}, ${v.id}, ${connector!.id}, ${started}, 20, 'active') returning id`;
	await db.sql`insert into charging_session_metrics (session_id, organization_id, recorded_at, power_kw, energy_kwh)
		values (${session!.id}, ${v.organizationId}, ${new Date(started.getTime() + 10 * 60_000)}, 43.25, 7.5)`;
}, 60_000);

afterAll(async () => {
	await db?.close();
});

type Json = Record<string, unknown>;
const plain = (value: unknown): Json => JSON.parse(JSON.stringify(value)) as Json;
/** The parts of the state that do not move between two reads (the age of the last report does). */
const steady = (state: Json | null) => (state ? {...state, secondsSinceReport: undefined, connectivity: undefined} : state);

it('evfleet vehicle --json and the inspector read the same vehicle, state, session, route, battery report and connectors', async () => {
	const cli = await runCli(['vehicle', v.vin, '--json', '--telematics', '--limit', '50'], {env: {DATABASE_URL: db.url}});
	expect(cli.code, cli.stderr).toBe(0);
	const printed = JSON.parse(cli.stdout) as Json & {telematics: {rows: Array<{recordedAt: string; socPct: number; gap: boolean}>}};
	const inspected = plain(await createConsoleData(db.sql).vehicle.find(v.vin));

	expect(inspected['vehicle']).toEqual(printed['vehicle']);
	expect(steady(inspected['state'] as Json)).toEqual(steady(printed['state'] as Json));
	expect(inspected['chargingSession']).toEqual(printed['chargingSession']);
	expect(inspected['routeAssignment']).toEqual(printed['routeAssignment']);
	expect(inspected['batteryReport']).toEqual(printed['batteryReport']);
	// The inspector asks for the 3 nearest, the CLI for 5: the same first three.
	expect(inspected['nearestConnectors']).toEqual((printed['nearestConnectors'] as unknown[]).slice(0, 3));
	expect((printed['chargingSession'] as Json)['powerKw']).toBe(43.25);
});

it('the inspector screen shows the CLI\'s numbers and marks the same telematics rows as gaps', async () => {
	const cli = await runCli(['vehicle', v.vin, '--json', '--telematics', '--limit', '50'], {env: {DATABASE_URL: db.url}});
	expect(cli.code, cli.stderr).toBe(0);
	const printed = JSON.parse(cli.stdout) as {state: {socPct: number}; chargingSession: {energyKwh: number; powerKw: number}; telematics: {rows: Array<{recordedAt: string; gap: boolean}>}};
	const gaps = printed.telematics.rows.filter(row => row.gap).map(row => row.recordedAt.replace('T', ' ').slice(0, 19));
	expect(gaps).toHaveLength(1);

	const {lastFrame, unmount} = render(<VehicleInspectorScreen data={createConsoleData(db.sql).vehicle} reference={v.vin} width={120} height={40} isActive navigate={() => {}}/>);
	try {
		const frame = await waitForFrame(lastFrame, f => f.includes('RECORDED') && f.includes('charging at'), 15_000);
		expect(frame).toContain(`SoC ${formatNumber(printed.state.socPct, 1)}%`);
		expect(frame).toContain(`charging at Spree Hub #2 CCS2`);
		expect(frame).toContain(`${formatNumber(printed.chargingSession.energyKwh, 1)} kWh so far, drawing ${formatNumber(printed.chargingSession.powerKw, 1)} kW`);
		const flagged = frame.split('\n').filter(line => /gap \d/.test(line));
		expect(flagged).toHaveLength(gaps.length);
		for (const [i, time] of gaps.entries()) expect(flagged[i]).toContain(time);
		for (const row of printed.telematics.rows.filter(r => !r.gap)) {
			const line = frame.split('\n').find(l => l.includes(row.recordedAt.replace('T', ' ').slice(0, 19)));
			if (line) expect(line).not.toMatch(/gap \d/);
		}
	} finally {
		unmount();
	}
});
