// Fake maintenance data (health, plans, runs that the test resolves) for screen tests; no database.
import {vi} from 'vitest';
import type {ActionPlan, ActionProgress, ActionResult, LogEntry, MaintenanceData, MaintenanceHealth, MaintenanceRequest} from '../../source/model/maintenance-data.js';

export function partition(table: string, overrides: Partial<MaintenanceHealth['partitions'][number]> = {}): MaintenanceHealth['partitions'][number] {
	return {table, partitions: [], firstMonth: '2026-01', lastMonth: '2027-02', monthsAhead: 3, currentMonthMissing: false, nextMonthMissing: false, defaultPartition: `${table}_default`, defaultRows: 0, detachPending: [], totalBytes: 1 << 20, ...overrides};
}

export function matview(view: string, overrides: Partial<MaintenanceHealth['matviews'][number]> = {}): MaintenanceHealth['matviews'][number] {
	return {view, exists: true, populated: true, refreshFunction: `refresh_${view}()`, lastRefreshAt: new Date(Date.now() - 600_000), lastDurationMs: 1200, lastConcurrent: true, ageSeconds: 600, maxAgeSeconds: 7200, stale: false, totalBytes: 65_536, rowEstimate: 10, ...overrides};
}

export function table(name: string, overrides: Partial<MaintenanceHealth['tables'][number]> = {}): MaintenanceHealth['tables'][number] {
	return {table: name, kind: 'table', totalBytes: 8 << 20, tableBytes: 6 << 20, indexBytes: 2 << 20, liveTuples: 1000, deadTuples: 10, lastVacuum: null, lastAutovacuum: null, lastAnalyze: null, lastAutoanalyze: null, ...overrides};
}

export function health(overrides: Partial<MaintenanceHealth> = {}): MaintenanceHealth {
	return {
		checkedAt: new Date(),
		currentMonth: '2026-11',
		partitions: [partition('vehicle_telematics', {monthsAhead: 0, nextMonthMissing: true}), partition('energy_consumption_records')],
		matviews: [matview('battery_health_trends'), matview('energy_efficiency_metrics')],
		tables: [table('vehicles'), table('fleets')],
		indexes: [],
		activity: [],
		issues: [{severity: 'action', subject: 'vehicle_telematics', message: 'no partition for 2026-12', fix: 'evfleet maint partitions create'}],
		...overrides,
	};
}

export function planFor(request: MaintenanceRequest): ActionPlan {
	const object = 'table' in request && request.table ? request.table : request.action === 'refresh' ? (request.view ?? 'all') : 'all';
	const destructive = request.action === 'partitions.detach';
	return {
		action: request.action, title: `evfleet maint ${request.action} ${object}`, target: object,
		steps: [{sql: destructive ? `ALTER TABLE public.${object} DETACH PARTITION public.${object}_2024_01` : `SELECT do_${request.action.replace('.', '_')}('${object}')`, object, progress: 'none'}],
		atomic: false, affects: [{object: `${object}_2027_03`, change: 'create', rows: null, bytes: null}], notes: [], destructive, confirmText: destructive ? `${object}_2024_01` : null,
		privileges: [], lockKeys: [], nothingToDo: null, followUp: null,
	};
}

export type FakeRun = {plan: ActionPlan; signal: AbortSignal; onProgress(p: ActionProgress): void; resolve(result: ActionResult): void};

export function fakeData(overrides: Partial<MaintenanceData> = {}) {
	const runs: FakeRun[] = [];
	const refusals: ActionPlan[] = [];
	const requests: MaintenanceRequest[] = [];
	const data: MaintenanceData = {
		health: vi.fn(async () => health()),
		log: vi.fn(async (): Promise<LogEntry[]> => []),
		prepare: vi.fn(async (request: MaintenanceRequest) => {
			requests.push(request);
			return planFor(request);
		}),
		run: vi.fn((plan: ActionPlan, {signal, onProgress}) => new Promise<ActionResult>(resolve => runs.push({plan, signal, onProgress, resolve}))),
		refuse: vi.fn(async (plan: ActionPlan) => {
			refusals.push(plan);
			return true;
		}),
		...overrides,
	};
	return {data, runs, refusals, requests};
}

export function result(plan: ActionPlan, overrides: Partial<ActionResult> = {}): ActionResult {
	return {outcome: 'done', completed: plan.steps, interrupted: null, notRun: [], error: null, leftovers: [], durationMs: 1500, logId: 1, ...overrides};
}

