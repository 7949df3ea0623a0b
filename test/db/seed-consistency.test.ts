import {afterAll, describe, expect, it} from 'vitest';
import {seedDatabase} from '../../source/demo/seed/index.js';
import {createTestDatabase, type TestDatabase} from '../helpers/db.js';
import {countContradictions} from './demo-consistency.js';

// Cairo local times (UTC+2) the demo may be started at: before the shifts, during them, as they end, and through the
// night's depot charging windows (19:00, 23:00, 03:00); a Wednesday, and a Friday (most vehicles' day off).
// `running`: whether routes are in progress then (the shifts start 07:00-09:00 and last at most about 8 h).
const anchors = [
	['Wednesday 05:30', '2026-03-18T03:30:00Z', false],
	['Wednesday 08:45', '2026-03-18T06:45:00Z', true],
	['Wednesday 11:00', '2026-03-18T09:00:00Z', true],
	['Wednesday 14:30', '2026-03-18T12:30:00Z', undefined],
	['Wednesday 16:45', '2026-03-18T14:45:00Z', undefined],
	['Wednesday 19:30', '2026-03-18T17:30:00Z', false],
	['Wednesday 22:15', '2026-03-18T20:15:00Z', false],
	['Friday 12:00', '2026-03-20T10:00:00Z', true],
] as const;

describe('the seeded data set tells one story about each vehicle', () => {
	const opened: TestDatabase[] = [];
	afterAll(async () => {
		await Promise.all(opened.map(db => db.close()));
	});

	it.each(anchors)('at %s local time: no route runs while its vehicle charges at the depot or is home, no session disagrees with the reports', async (_label, iso, running) => {
		const db = await createTestDatabase();
		opened.push(db);
		const anchor = new Date(iso);
		await seedDatabase(db.sql, {scale: 'tiny', seed: 5, anchor});
		const counts = await countContradictions(db.sql, anchor);
		expect(counts).toEqual(Object.fromEntries(Object.keys(counts).map(name => [name, 0])));
		// Not vacuous: the routes run in the day and have run by the evening, and the night has charging vehicles.
		const [facts] = await db.sql<{inProgress: number; completed: number; scheduled: number; charging: number}[]>`
			select count(*) filter (where status = 'in_progress')::int as in_progress, count(*) filter (where status = 'completed')::int as completed,
			       count(*) filter (where status = 'scheduled')::int as scheduled,
			       (select count(*)::int from charging_sessions where status = 'active') as charging
			from route_assignments`;
		expect(facts!.completed).toBeGreaterThan(0);
		expect(facts!.scheduled).toBeGreaterThan(0);
		if (running === true) expect(facts!.inProgress).toBeGreaterThan(0);
		if (running === false) expect(facts!.inProgress).toBe(0);
		if (_label.endsWith('19:30') || _label.endsWith('22:15')) expect(facts!.charging).toBeGreaterThan(0);
		await db.close();
		opened.splice(opened.indexOf(db), 1);
	});
});
