// The shell's connection watch: a health check while connected; on a lost connection, retries with backoff
// (doubling up to 30 s) until the server answers, then calls onReconnected.
import {useCallback, useEffect, useRef, useState} from 'react';
import type {ConnectionHealth} from './views.js';
import {errorMessage} from './use-load.js';

export type ConnectionState = {status: 'connected' | 'reconnecting'; attempt: number; retryInMs: number; error?: string};

export function useConnectionHealth(health: ConnectionHealth, {healthIntervalMs, retryBaseMs, onReconnected}: {healthIntervalMs: number; retryBaseMs: number; onReconnected(): void}) {
	const [connection, setConnection] = useState<ConnectionState>({status: 'connected', attempt: 0, retryInMs: 0});
	const reconnected = useRef(onReconnected);
	reconnected.current = onReconnected;
	const reconnecting = connection.status === 'reconnecting';
	const reportError = useCallback(
		(error: unknown) => {
			if (health.isConnectionError(error)) {
				setConnection(previous => (previous.status === 'reconnecting' ? previous : {status: 'reconnecting', attempt: 1, retryInMs: retryBaseMs, error: errorMessage(error)}));
			}
		},
		[health, retryBaseMs],
	);
	useEffect(() => {
		if (!reconnecting) return;
		const timer = setTimeout(() => {
			health.ping().then(
				() => {
					setConnection({status: 'connected', attempt: 0, retryInMs: 0});
					reconnected.current();
				},
				error => setConnection(previous => ({status: 'reconnecting', attempt: previous.attempt + 1, retryInMs: Math.min(previous.retryInMs * 2, 30_000), error: errorMessage(error)})),
			);
		}, connection.retryInMs);
		return () => clearTimeout(timer);
	}, [reconnecting, connection.attempt, connection.retryInMs, health]);
	useEffect(() => {
		if (reconnecting || healthIntervalMs <= 0) return;
		const timer = setInterval(() => {
			health.ping().catch(reportError);
		}, healthIntervalMs);
		return () => clearInterval(timer);
	}, [reconnecting, healthIntervalMs, health, reportError]);
	return {connection, reconnecting, reportError};
}
