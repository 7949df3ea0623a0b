import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {ConfirmDialog, typedConfirms} from '../../source/components/ConfirmDialog.js';
import {Progress, progressFraction} from '../../source/components/Progress.js';
import {waitForFrame} from '../helpers/fakes.js';

const escape = '\u001B';
let cleanup: Array<() => void> = [];
afterEach(() => {
	for (const unmount of cleanup) unmount();
	cleanup = [];
});

function dialog(confirmText: string | null) {
	const onConfirm = vi.fn();
	const onCancel = vi.fn();
	const view = render(<ConfirmDialog title="Detach vehicle_telematics_2024_01" confirmText={confirmText} action="Detach" width={70} onConfirm={onConfirm} onCancel={onCancel} />);
	cleanup.push(view.unmount);
	return {...view, onConfirm, onCancel};
}

describe('ConfirmDialog, y/N', () => {
	it('runs on y', async () => {
		const {lastFrame, stdin, onConfirm, onCancel} = dialog(null);
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('y');
		await vi.waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
		expect(onCancel).not.toHaveBeenCalled();
	});

	it('defaults to no: enter cancels', async () => {
		const {lastFrame, stdin, onConfirm, onCancel} = dialog(null);
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('\r');
		await vi.waitFor(() => expect(onCancel).toHaveBeenCalledTimes(1));
		expect(onConfirm).not.toHaveBeenCalled();
	});

	it('cancels on n', async () => {
		const {lastFrame, stdin, onConfirm, onCancel} = dialog(null);
		await waitForFrame(lastFrame, f => f.includes('[y/N]'));
		stdin.write('n');
		await vi.waitFor(() => expect(onCancel).toHaveBeenCalledTimes(1));
		expect(onConfirm).not.toHaveBeenCalled();
	});
});

describe('ConfirmDialog, type the name', () => {
	it('keeps the button disabled while the typed name is wrong, and enter does nothing', async () => {
		const {lastFrame, stdin, onConfirm} = dialog('vehicle_telematics_2024_01');
		await waitForFrame(lastFrame, f => f.includes('Type vehicle_telematics_2024_01 to confirm'));
		stdin.write('vehicle_telematics_2024_02');
		await waitForFrame(lastFrame, f => f.includes('> vehicle_telematics_2024_02'));
		expect(lastFrame()).toContain('[ Detach ] (disabled)');
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('does not match'));
		expect(onConfirm).not.toHaveBeenCalled();
	});

	it('y alone does not confirm a destructive action', async () => {
		const {lastFrame, stdin, onConfirm} = dialog('vehicle_telematics_2024_01');
		await waitForFrame(lastFrame, f => f.includes('to confirm'));
		stdin.write('y');
		stdin.write('\r');
		await waitForFrame(lastFrame, f => f.includes('does not match'));
		expect(onConfirm).not.toHaveBeenCalled();
	});

	it('enables the button once the name matches, and enter confirms', async () => {
		const {lastFrame, stdin, onConfirm} = dialog('vehicle_telematics_2024_01');
		await waitForFrame(lastFrame, f => f.includes('to confirm'));
		stdin.write('vehicle_telematics_2024_0');
		await waitForFrame(lastFrame, f => f.includes('> vehicle_telematics_2024_0'));
		expect(lastFrame()).toContain('(disabled)');
		stdin.write('1');
		await waitForFrame(lastFrame, f => f.includes('[ Detach ]') && !f.includes('(disabled)'));
		stdin.write('\r');
		await vi.waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
	});

	it('esc cancels', async () => {
		const {lastFrame, stdin, onConfirm, onCancel} = dialog('vehicle_telematics_2024_01');
		await waitForFrame(lastFrame, f => f.includes('to confirm'));
		stdin.write(escape);
		await vi.waitFor(() => expect(onCancel).toHaveBeenCalledTimes(1));
		expect(onConfirm).not.toHaveBeenCalled();
	});

	it('matches exactly (no prefix, surrounding spaces ignored)', () => {
		expect(typedConfirms(' 2 partitions ', '2 partitions')).toBe(true);
		expect(typedConfirms('2 partition', '2 partitions')).toBe(false);
	});
});

describe('Progress', () => {
	it('draws a bar with the percentage when the total is known', () => {
		const {lastFrame, unmount} = render(<Progress label="vehicle_telematics_2026_11" elapsedMs={3200} done={250} total={1000} detail="scanning heap" width={80} />);
		cleanup.push(unmount);
		expect(lastFrame()).toMatch(/ 25%  3\.2 s vehicle_telematics_2026_11/);
		expect(lastFrame()).toContain('scanning heap');
	});

	it('shows a spinner and the elapsed time when the total is unknown', () => {
		const {lastFrame, unmount} = render(<Progress label="refresh battery_health_trends" elapsedMs={65_000} width={80} />);
		cleanup.push(unmount);
		expect(lastFrame()).toContain('1m 05s refresh battery_health_trends');
		expect(lastFrame()).not.toContain('%');
	});

	it('treats a zero total as unknown', () => {
		expect(progressFraction(0, 0)).toBeNull();
		expect(progressFraction(5, 10)).toBe(0.5);
	});
});
