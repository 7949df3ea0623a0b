import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {Breadcrumbs} from '../../source/components/Breadcrumbs.js';

describe('Breadcrumbs', () => {
	it('keeps the last crumb (the view on screen) whole when the trail is too long, dropping the oldest', () => {
		// 20 places, as the history keeps: far wider than 80 columns.
		const crumbs: string[] = Array.from({length: 20}, (_, i) => (i % 2 ? 'Vehicles' : 'Organizations'));
		crumbs.push('Users');
		for (let width = 40; width <= 80; width++) {
			const {lastFrame, unmount} = render(<Breadcrumbs crumbs={crumbs} width={width}/>);
			const line = lastFrame()!;
			expect(line.length).toBeLessThanOrEqual(width);
			expect(line.startsWith('… › ')).toBe(true);
			expect(line.endsWith('› Users')).toBe(true);
			unmount();
		}
	});
});
