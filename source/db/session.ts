// Opens the connection a command asked for, runs its work, and always closes the connection.
import type {Sql} from 'postgres';
import {connect, resolveTarget, type ConnectOptions, type ConnectionRequest, type ConnectionTarget} from './connection.js';

export async function withSql<T>(request: ConnectionRequest, options: ConnectOptions, work: (sql: Sql, target: ConnectionTarget) => Promise<T>): Promise<T> {
	const target = resolveTarget(request);
	const sql = await connect(target, options);
	try {
		return await work(sql, target);
	} finally {
		await sql.end({timeout: 5});
	}
}
