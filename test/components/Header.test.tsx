import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {Header, headerLayout} from '../../source/components/Header.js';

const demo = {title: 'evfleet', user: 'postgres', location: '127.0.0.1:33699/evfleet', version: 'PG 15.14', status: 'connected' as const};
const line = (layout: ReturnType<typeof headerLayout>) => `${layout.left} ${layout.badges} ${layout.status}`;

describe('Header at 80 columns', () => {
	it('keeps the server version whole, dropping the title first', () => {
		const layout = headerLayout({...demo, width: 80, badges: ['READ-ONLY', 'all orgs']});
		expect(layout.left).toBe('postgres@127.0.0.1:33699/evfleet  PG 15.14');
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('with a long host and database: host:port stays whole, the database name is shortened first', () => {
		const layout = headerLayout({...demo, width: 80, location: 'db-primary.fleet.internal:5432/evfleet_production', badges: ['READ-ONLY', 'org acme']});
		expect(layout.left).toBe('postgres@db-primary.fleet.internal:5432/evfl…  PG 15.14');
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('shortens the user once the database name is down to a few letters', () => {
		const layout = headerLayout({...demo, width: 80, user: 'support_readonly', location: 'db-primary.fleet.internal:5432/evfleet_production', badges: ['READ-ONLY', 'org acme']});
		expect(layout.left).toBe('support_…@db-primary.fleet.internal:5432/evf…  PG 15.14');
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('with --readonly and a long organization: drops the version whole, keeps host:port whole', () => {
		const layout = headerLayout({...demo, width: 80, location: 'db-1.fleet.lan:5432/evfleet', badges: ['READ-ONLY', 'NO ACTIONS', 'org nile-green-logistics']});
		expect(layout.left).toContain('@db-1.fleet.lan:5432/');
		expect(layout.left).not.toContain('PG 15');
		expect(layout.status).toBe('●');
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('with a host too long for anything beside three badges: shortens the organization badge, and cuts the host last, keeping its port', () => {
		const layout = headerLayout({...demo, width: 80, location: 'fleet-db-primary.internal.example:5432/evfleet', badges: ['READ-ONLY', 'NO ACTIONS', 'org nile-green-logistics']});
		expect(layout.badges).toBe('[READ-ONLY] [NO ACTIONS] [org nile-gr…]');
		expect(layout.left).toMatch(/^…@fleet-db-primary\.internal.*…:5432\/…$/);
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('keeps the word "reconnecting", which matters more than the version', () => {
		const layout = headerLayout({...demo, width: 80, status: 'reconnecting', badges: ['READ-ONLY', 'NO ACTIONS', 'org nile-green-logistics']});
		expect(layout.status).toBe('○ reconnecting');
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('shows everything, title included, when there is room', () => {
		const {lastFrame, unmount} = render(<Header {...demo} width={120} badges={['READ-ONLY', 'all orgs']}/>);
		expect(lastFrame()).toMatch(/^evfleet {2}postgres@127\.0\.0\.1:33699\/evfleet {2}PG 15\.14 +\[READ-ONLY\] \[all orgs\] ● connected$/);
		expect(lastFrame()!.length).toBe(120);
		unmount();
	});
});
