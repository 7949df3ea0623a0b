import React, {useState} from 'react';
import zod from 'zod';
import {argument} from 'pastel';
import {Box, useApp, useStdout} from 'ink';
import {Text} from '../../components/Styled.js';
import Task from '../../app/Task.js';
import {ConfirmDialog} from '../../components/ConfirmDialog.js';
import {connect, resolveTarget} from '../../db/connection.js';
import {UsageError} from '../../model/errors.js';
import {connectionOptions, outputOptions} from '../../app/options.js';
import {chooseFormat, printJson, printRows} from '../../print/output.js';
import {isInteractive} from '../../text/terminal.js';

export const description = 'List, grant or revoke the database logins bound to an organization (organization_logins; evfleet_admin only)';

export const args = zod.tuple([
	zod.enum(['list', 'grant', 'revoke']).default('list').describe(argument({name: 'action', description: 'list, grant or revoke'})),
	zod.string().optional().describe(argument({name: 'login', description: 'Database login to bind or unbind (grant, revoke)'})),
]);

export const options = connectionOptions.merge(outputOptions).extend({
	org: zod.string().optional().describe('Organization (slug or id); required for grant and revoke'),
	yes: zod.boolean().default(false).describe('Change without asking (scripts); without it and without a terminal the command refuses'),
});

type Props = {args: zod.infer<typeof args>; options: zod.infer<typeof options>};
type Change = {change: 'grant' | 'revoke'; login: string; org: string};

async function withSql<T>(options: Props['options'], work: (sql: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
	const sql = await connect(resolveTarget(options), {max: 1});
	try {
		return await work(sql);
	} finally {
		await sql.end({timeout: 5});
	}
}

async function list(options: Props['options']): Promise<void> {
	const format = chooseFormat(options);
	const q = await import('../../db/queries/organization-logins.js');
	await withSql(options, async sql => {
		const organization = options.org === undefined ? undefined : await q.organizationForLogins(sql, options.org);
		const rows = await q.listOrganizationLogins(sql, organization?.id);
		if (format === 'json') return printJson(rows);
		printRows(rows, [
			{key: 'organizationSlug', header: 'organization'},
			{key: 'roleName', header: 'login'},
			{key: 'grantedBy', header: 'granted by', priority: 2},
			{key: 'grantedAt', header: 'granted at', priority: 1},
			{key: 'loginExists', header: 'login exists', priority: 3},
		], format, process.stdout, {compact: true, width: process.stdout.columns});
	});
}

async function apply({change, login, org}: Change, options: Props['options']): Promise<void> {
	const q = await import('../../db/queries/organization-logins.js');
	await withSql(options, async sql => {
		const organization = await q.organizationForLogins(sql, org);
		const changed = await q.changeOrganizationLogin(sql, change, login, organization);
		const what = change === 'grant' ? `${login} may now see ${organization.slug}` : `${login} no longer sees ${organization.slug}`;
		process.stdout.write(changed ? `${what}\n` : `nothing to do: ${login} ${change === 'grant' ? 'was already bound to' : 'was not bound to'} ${organization.slug}\n`);
	});
}

/** grant and revoke: the exact SQL, then y/N (grant) or the login's name typed (revoke), as maintenance asks. */
function Confirm({request, options}: {readonly request: Change; readonly options: Props['options']}) {
	const {exit} = useApp();
	const {stdout} = useStdout();
	const [answer, setAnswer] = useState<'ask' | 'yes' | 'no'>('ask');
	if (answer === 'yes') return <Task debug={options.debug} run={() => apply(request, options)} />;
	if (answer === 'no') return <Text>cancelled: nothing was changed</Text>;
	const sql = request.change === 'grant'
		? `INSERT INTO organization_logins (role_name, organization_id) VALUES ('${request.login}', <${request.org}>)`
		: `DELETE FROM organization_logins WHERE role_name = '${request.login}' AND organization_id = <${request.org}>`;
	return (
		<ConfirmDialog
			title={`${request.change} ${request.login} ${request.change === 'grant' ? 'access to' : 'from'} ${request.org}`}
			confirmText={request.change === 'revoke' ? request.login : null}
			action={request.change === 'grant' ? 'Grant' : 'Revoke'}
			width={Math.min(stdout.columns || 80, 100)}
			onConfirm={() => setAnswer('yes')}
			onCancel={() => {
				setAnswer('no');
				process.exitCode = 1;
				setTimeout(exit, 0);
			}}
		>
			<Box flexDirection="column">
				<Text>{sql}</Text>
			</Box>
		</ConfirmDialog>
	);
}

export default function OrgLogins({args: [action, login], options}: Props) {
	if (action === 'list') return <Task debug={options.debug} run={() => list(options)} />;
	const usage = (message: string, hint: string) => <Task debug={options.debug} run={async () => Promise.reject(new UsageError(message, hint))} />;
	if (!login?.trim()) return usage(`${action} needs a login`, `evfleet org logins ${action} LOGIN --org ORGANIZATION`);
	if (!options.org?.trim()) return usage(`${action} needs --org`, `evfleet org logins ${action} ${login} --org ORGANIZATION (slug or id)`);
	const request: Change = {change: action, login: login.trim(), org: options.org.trim()};
	if (options.yes) return <Task debug={options.debug} run={() => apply(request, options)} />;
	if (!isInteractive()) return usage(`refusing to ${action} without a terminal to confirm it`, 'add --yes to change it anyway (scripts)');
	return <Confirm request={request} options={options} />;
}
