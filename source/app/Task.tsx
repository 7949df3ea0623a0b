// Runs a non-interactive command's work once, prints its error the one way, and sets the exit code.
import {useEffect} from 'react';
import {useApp} from 'ink';
import {exitCodeFor, formatError} from '../model/errors.js';

export type TaskProps = {
	readonly run: () => Promise<number | void>;
	readonly debug?: boolean;
};

export function reportError(error: unknown, debug = false): number {
	process.stderr.write(`${formatError(error, {debug})}\n`);
	return exitCodeFor(error);
}

export default function Task({run, debug = false}: TaskProps) {
	const {exit} = useApp();
	useEffect(() => {
		run().then(
			code => {
				process.exitCode = code ?? 0;
			},
			error => {
				process.exitCode = reportError(error, debug);
			},
		).finally(() => exit());
		// Runs once: a command is one piece of work.
		// eslint-disable-next-line react-hooks/exhaustive-deps -- a command is one piece of work: run it once
	}, []);
	return null;
}
