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

	it('with a long host: the version stays, user and database stay, the host is cut in the middle', () => {
		const layout = headerLayout({...demo, width: 80, location: 'fleet-db-primary.internal.example.com:5432/evfleet', badges: ['READ-ONLY', 'org acme']});
		expect(layout.left).toMatch(/^postgres@fleet.*….*\/evfleet  PG 15\.14$/);
		expect(line(layout).length).toBeLessThanOrEqual(80);
	});

	it('with --readonly and a long organization: drops the version whole rather than cutting it', () => {
		const layout = headerLayout({...demo, width: 80, location: 'fleet-db-primary.internal.example.com:5432/evfleet', badges: ['READ-ONLY', 'NO ACTIONS', 'org nile-green-logistics']});
		expect(layout.left).toMatch(/^postgres@fl.*….*\/evfleet$/);
		expect(layout.status).toBe('●');
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
