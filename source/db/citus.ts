// Queries that Citus cannot distribute: recognised by its planner's refusal and turned into a message a person can act
// on, instead of the planner's words about joins and subqueries.
import {EvfleetError} from '../model/errors.js';

/** A view or command whose query a Citus cluster refuses to plan (README "Citus" says which). */
export class UnsupportedOnCitusError extends EvfleetError {}

// What Citus 13's planner says when it cannot distribute a query.
const refusals = [
	/complex joins are only supported when/i,
	/cannot push down this subquery/i,
	/the query contains a join that requires repartitioning/i,
	/pseudoconstant quals are not supported/i,
	/cannot perform distributed planning/i,
	/correlated subqueries are not supported/i,
];

/** The clear error for `what` when `error` is Citus refusing its query; undefined for any other error. */
export function citusRefusal(error: unknown, what: string): UnsupportedOnCitusError | undefined {
	const message = error instanceof Error ? error.message.split('\n')[0]! : '';
	if (!refusals.some(refusal => refusal.test(message))) return undefined;
	return new UnsupportedOnCitusError(
		`${what} does not run on a Citus cluster: Citus cannot distribute its query (${message})`,
		'README "Citus" lists what the console runs there; use it on a single server or a replica',
	);
}
