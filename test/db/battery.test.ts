import {randomBytes} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {fitFade, percentile} from '../../source/text/charts.js';
import {fadeRanking, lastRefresh, resolveScope, sohPercentilesByMonth, vehicleSohByMonth, windowStart, type AnalyticsScope} from '../../source/db/queries/battery.js';
import {loadBatteryReport} from '../../source/db/sources/battery.js';
import {NotFoundError} from '../../source/model/errors.js';

const now = new Date();
const months = 12;
let db: TestDatabase;
let orgA: string;
let orgB: string;
let fleetA1: string;
let fleetA2: string;
const vehicles: Array<{id: string; vin: string; org: string; fleet: string}> = [];

function vin(n: number): string {
	return `WVWZZZ1KZAW${String(n).padStart(6, '0')}`;
}

/** The day-th day of the i-th month of the window, noon UTC. */
function inMonth(i: number, day: number): Date {
	const start = windowStart(months, now);
	return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, day, 12));
}

async function organization(slug: string): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`insert into organizations (name, slug) values (${slug.toUpperCase()}, ${slug}) returning id`;
	return row!.id;
}

async function fleet(org: string, name: string): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`insert into fleets (organization_id, name) values (${org}, ${name}) returning id`;
	return row!.id;
}

async function vehicle(org: string, fleetId: string, n: number, plate: string): Promise<string> {
	const [row] = await db.sql<Array<{id: string}>>`
		insert into vehicles (organization_id, fleet_id, vin, plate, make, model, battery_capacity_kwh)
		values (${org}, ${fleetId}, ${vin(n)}, ${plate}, 'VW', 'ID.4', 77) returning id`;
	vehicles.push({id: row!.id, vin: vin(n), org, fleet: fleetId});
	return row!.id;
}

async function report(vehicleId: string, org: string, at: Date, sohPct: number, cycleCount: number): Promise<void> {
	await db.sql`
		insert into battery_health_reports (organization_id, vehicle_id, reported_at, soh_pct, capacity_measured_kwh, cycle_count)
		values (${org}, ${vehicleId}, ${at}, ${sohPct}, ${(77 * sohPct) / 100}, ${cycleCount})`;
}

type RawReport = {vehicleId: string; reportedAt: Date; sohPct: number};

async function rawReports(): Promise<RawReport[]> {
	return db.sql<RawReport[]>`select vehicle_id, reported_at, soh_pct::double precision as soh_pct from battery_health_reports`;
}

/** Percentiles per month computed here, from the raw reports: each vehicle's monthly mean, then percentile_cont. */
function expectedPercentiles(reports: readonly RawReport[], keep: (vehicleId: string) => boolean) {
	const perVehicleMonth = new Map<string, number[]>();
	for (const r of reports.filter(r => keep(r.vehicleId))) {
		const key = `${r.reportedAt.toISOString().slice(0, 7)}|${r.vehicleId}`;
		perVehicleMonth.set(key, [...(perVehicleMonth.get(key) ?? []), r.sohPct]);
	}
	const perMonth = new Map<string, number[]>();
	for (const [key, values] of perVehicleMonth) {
		const month = key.slice(0, 7);
		perMonth.set(month, [...(perMonth.get(month) ?? []), values.reduce((a, b) => a + b, 0) / values.length]);
	}
	return perMonth;
}

beforeAll(async () => {
	db = await createTestDatabase();
	orgA = await organization('acme');
	orgB = await organization('other');
	fleetA1 = await fleet(orgA, 'Vans');
	fleetA2 = await fleet(orgA, 'Cars');
	const fleetB = await fleet(orgB, 'Vans');
	// Seven vans fading at different rates (vehicle 6 fast: an outlier), two cars, and one van of another organization.
	const fades = [1.5, 2, 2.2, 2.5, 3, 9, 1.8];
	for (const [k, fade] of fades.entries()) {
		const id = await vehicle(orgA, fleetA1, k + 1, `VAN-${k + 1}`);
		for (let i = 0; i < months; i++) {
			if (k === 3 && i % 4 === 1) continue; // a vehicle that misses some months
			for (const [j, day] of [3, 13, 23].entries()) {
				const years = (i + (day - 1) / 30) / 12;
				const wobble = ((k * 7 + i * 3 + j) % 5) * 0.05;
				await report(id, orgA, inMonth(i, day), 99 - k * 0.4 - fade * years + wobble, 30 * i + 10 * j);
			}
		}
	}
	for (const n of [11, 12]) {
		const id = await vehicle(orgA, fleetA2, n, `CAR-${n}`);
		for (let i = 0; i < months; i += 2) await report(id, orgA, inMonth(i, 10), 95 - n / 10 - i / 12, 20 * i);
	}
	// A new car: two reports three weeks apart are no basis for a fade.
	const young = await vehicle(orgA, fleetA2, 13, 'CAR-13');
	await report(young, orgA, inMonth(months - 1, 1), 99.9, 5);
	await report(young, orgA, inMonth(months - 1, 22), 99.0, 12);
	const other = await vehicle(orgB, fleetB, 21, 'VAN-1');
	for (let i = 0; i < months; i++) await report(other, orgB, inMonth(i, 5), 70 + i, i);
	await db.sql`select refresh_battery_health_trends()`;
});

afterAll(async () => {
	await db?.close();
});

describe('resolveScope', () => {
	it('finds an organization by slug, a fleet by name and a vehicle by VIN or plate', async () => {
		expect(await resolveScope(db.sql, {org: 'acme'})).toMatchObject({kind: 'organization', organizationId: orgA});
		expect(await resolveScope(db.sql, {org: 'acme', fleet: 'Vans'})).toMatchObject({kind: 'fleet', fleetId: fleetA1});
		expect(await resolveScope(db.sql, {vehicle: vin(2).toLowerCase()})).toMatchObject({kind: 'vehicle', vehicleId: vehicles[1]!.id, fleetId: fleetA1});
		expect(await resolveScope(db.sql, {org: 'acme', vehicle: 'VAN-1'})).toMatchObject({kind: 'vehicle', vehicleId: vehicles[0]!.id});
	});

	it('refuses unknown names and names that repeat across organizations', async () => {
		await expect(resolveScope(db.sql, {org: 'nope'})).rejects.toBeInstanceOf(NotFoundError);
		await expect(resolveScope(db.sql, {fleet: 'Vans'})).rejects.toThrow(/several organizations/);
		await expect(resolveScope(db.sql, {vehicle: 'VAN-1'})).rejects.toThrow(/several organizations/);
	});
});

describe('SoH percentiles from battery_health_trends', () => {
	it('match percentiles computed from the raw reports, month by month, for a fleet', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme', fleet: 'Vans'});
		const rows = await sohPercentilesByMonth(db.sql, scope, {months, now});
		expect(rows).toHaveLength(months);
		const inFleet = new Set(vehicles.filter(v => v.fleet === fleetA1).map(v => v.id));
		const expected = expectedPercentiles(await rawReports(), id => inFleet.has(id));
		for (const row of rows) {
			const values = expected.get(row.month.toISOString().slice(0, 7)) ?? [];
			expect(row.vehicles).toBe(values.length);
			expect(row.p10).toBeCloseTo(percentile(values, 0.1)!, 6);
			expect(row.median).toBeCloseTo(percentile(values, 0.5)!, 6);
			expect(row.p90).toBeCloseTo(percentile(values, 0.9)!, 6);
		}
		// The month vehicle 4 skipped has six vans, the others seven.
		expect(rows.map(row => row.vehicles)).toContain(6);
		expect(rows.map(row => row.vehicles)).toContain(7);
	});

	it('keeps other organizations out of an organization scope', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme'});
		const rows = await sohPercentilesByMonth(db.sql, scope, {months, now});
		const inOrg = new Set(vehicles.filter(v => v.org === orgA).map(v => v.id));
		const expected = expectedPercentiles(await rawReports(), id => inOrg.has(id));
		for (const row of rows) expect(row.p10).toBeCloseTo(percentile(expected.get(row.month.toISOString().slice(0, 7)) ?? [], 0.1)!, 6);
		// The other organization's van sits at 70-81 %: it would drag p10 far down.
		expect(Math.min(...rows.map(row => row.p10 ?? 100))).toBeGreaterThan(90);
	});

	it('gives one vehicle its monthly mean and its fleet median', async () => {
		const scope = (await resolveScope(db.sql, {vehicle: vin(4)})) as Extract<AnalyticsScope, {kind: 'vehicle'}>;
		const rows = await vehicleSohByMonth(db.sql, scope, {months, now});
		expect(rows).toHaveLength(months);
		expect(rows.filter(row => row.avgSohPct === null)).toHaveLength(3);
		const inFleet = new Set(vehicles.filter(v => v.fleet === fleetA1).map(v => v.id));
		const expected = expectedPercentiles(await rawReports(), id => inFleet.has(id));
		for (const row of rows) expect(row.fleetMedian).toBeCloseTo(percentile(expected.get(row.month.toISOString().slice(0, 7)) ?? [], 0.5)!, 6);
	});
});

describe('fade ranking', () => {
	it('fits the same line as the least-squares fit in chart.ts and ranks the fastest first', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme', fleet: 'Vans'});
		const rows = await fadeRanking(db.sql, scope, {months, now});
		expect(rows.map(row => row.vin)).toEqual([6, 5, 4, 3, 2, 7, 1].map(vin));
		const reports = await rawReports();
		for (const row of rows) {
			const fit = fitFade(reports.filter(r => r.vehicleId === row.vehicleId).map(r => ({at: r.reportedAt, sohPct: r.sohPct})))!;
			expect(-row.slopePctPerYear!).toBeCloseTo(fit.fadePctPerYear, 6);
			expect(row.interceptPct!).toBeCloseTo(fit.interceptPct, 3);
		}
		expect(rows[0]!.ranked).toBe(7);
		expect(rows[0]!.cycleCount).toBe(30 * (months - 1) + 20);
		expect(rows[0]!.nominalCapacityKwh).toBe(77);
	});

	it('flags fade above twice the median and projects the 80 % month', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme', fleet: 'Vans'});
		const report = await loadBatteryReport(db.sql, scope, {months, now});
		expect(report.medianFadePctPerYear).toBeGreaterThan(2);
		expect(report.medianFadePctPerYear).toBeLessThan(2.6);
		expect(report.fade.filter(entry => entry.outlier).map(entry => entry.vin)).toEqual([vin(6)]);
		const fastest = report.fade[0]!;
		expect(fastest.projection.kind).toBe('projected');
		expect(fastest.capacityPct).toBeCloseTo(fastest.latestSohPct, 3);
		expect(report.series.map(series => series.name)).toEqual(['median', 'p10', 'p90']);
	});

	it('does not fit, rank first or count in the median a vehicle with too short a history', async () => {
		const scope = await resolveScope(db.sql, {org: 'acme', fleet: 'Cars'});
		const report = await loadBatteryReport(db.sql, scope, {months, now});
		expect(report.ranked).toBe(3);
		const young = report.fade.find(entry => entry.vin === vin(13))!;
		expect(young).toMatchObject({rank: 3, fadePctPerYear: null, projectionText: 'not enough data', outlier: false, reports: 2});
		const fitted = report.fade.filter(entry => entry.fadePctPerYear !== null).map(entry => entry.fadePctPerYear!);
		expect(fitted).toHaveLength(2);
		expect(report.medianFadePctPerYear).toBeCloseTo((fitted[0]! + fitted[1]!) / 2, 6);
	});

	it('ranks a vehicle among its fleet and returns only its row', async () => {
		const scope = await resolveScope(db.sql, {vehicle: vin(5)});
		const rows = await fadeRanking(db.sql, scope, {months, now});
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({vin: vin(5), rank: 2, ranked: 7});
	});
});

describe('refresh log', () => {
	it('reports the latest refresh of the view', async () => {
		const info = await lastRefresh(db.sql, 'battery_health_trends');
		expect(info.lastRefreshedAt).toBeInstanceOf(Date);
		expect(Math.abs(Date.now() - info.lastRefreshedAt!.getTime())).toBeLessThan(600_000);
		expect(info.durationMs).toBeGreaterThanOrEqual(0);
		expect((await lastRefresh(db.sql, 'energy_efficiency_metrics')).lastRefreshedAt).toBeNull();
	});
});

describe('row-level security', () => {
	it('shows a reader of one organization only its rows through the scoped view', async () => {
		const role = `evfleet_t_reader_${randomBytes(3).toString('hex')}`;
		await db.sql.unsafe(`create role ${role} login in role evfleet_reader`);
		try {
			// a login sees only organizations it is bound to (organization_logins)
			await db.sql`insert into organization_logins (role_name, organization_id) values (${role}, ${orgB})`;
			const reader = db.connect({user: role, max: 1, parameters: {'app.current_org_id': orgB}});
			const all = await resolveScope(reader, {});
			const rows = await sohPercentilesByMonth(reader, all, {months, now});
			expect(Math.max(...rows.map(row => row.vehicles))).toBe(1);
			expect(rows.find(row => row.median !== null)!.median).toBeLessThan(85);
			const fits = await fadeRanking(reader, all, {months, now});
			expect(fits.map(row => row.vin)).toEqual([vin(21)]);
			await reader.end({timeout: 5});
		} finally {
			await db.sql`delete from organization_logins where role_name = ${role}`;
			await db.sql.unsafe(`drop owned by ${role}; drop role ${role}`);
		}
	});
});
