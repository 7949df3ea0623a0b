// Saved connection profiles (conf): where to connect, never a password.
import Conf from 'conf';
import {UsageError, NotFoundError} from '../model/errors.js';

export const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

export type Profile = {
	host: string;
	port: number;
	database: string;
	user: string;
	sslmode?: SslMode;
	/** A transaction pooler (PgBouncer) in front: true; a direct connection on port 6432: false. */
	pooler?: boolean;
	/** A streaming replica for browse, live and chart queries (no password). */
	readUrl?: string;
	/** A direct connection to the primary for maintenance that needs a session, when host:port is a pooler (no password). */
	directUrl?: string;
	/** The console opens with no maintenance actions (as --readonly) for this profile. */
	readonly?: boolean;
	/** How long a console browse or live query may run before the server cancels it ("10s"; --statement-timeout wins). */
	statementTimeout?: string;
};

/** A URL as a profile keeps it: without its password. */
export function withoutPassword(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.password = '';
		return parsed.toString();
	} catch {
		return url;
	}
}

// keymap: the console's key remapping (a key name to the key that does its job instead), checked in app/keymap.ts.
type StoreShape = {profiles: Record<string, Profile>; current?: string; keymap?: Record<string, string>};

export type ProfileStore = {
	list(): Array<{name: string; profile: Profile; current: boolean}>;
	get(name: string): Profile | undefined;
	current(): string | undefined;
	save(name: string, profile: Profile): void;
	remove(name: string): void;
	use(name: string): void;
	/** The `keymap` object of the config file ({} when there is none); validated by the console at start. */
	keymap(): unknown;
	readonly path: string;
};

const profileName = /^[\w.-]{1,64}$/;

export function checkProfileName(name: string): string {
	if (!profileName.test(name)) throw new UsageError(`invalid profile name "${name}"`, 'use letters, digits, ".", "-" or "_" (at most 64)');
	return name;
}

/** The profile store; EVFLEET_CONFIG_DIR moves it (tests, several installs side by side). */
export function openProfileStore(directory = process.env['EVFLEET_CONFIG_DIR']): ProfileStore {
	const conf = new Conf<StoreShape>({
		projectName: 'evfleet',
		projectSuffix: '',
		cwd: directory,
		defaults: {profiles: {}},
	});
	const profiles = () => conf.get('profiles') ?? {};
	return {
		path: conf.path,
		list: () => {
			const current = conf.get('current');
			return Object.entries(profiles())
				.sort(([a], [b]) => a.localeCompare(b))
				.map(([name, profile]) => ({name, profile, current: name === current}));
		},
		get: name => profiles()[name],
		current: () => conf.get('current'),
		keymap: () => conf.get('keymap') ?? {},
		save(name, profile) {
			checkProfileName(name);
			// Only the listed fields are written, so a password can never slip in.
			const clean: Profile = {host: profile.host, port: profile.port, database: profile.database, user: profile.user};
			if (profile.sslmode) clean.sslmode = profile.sslmode;
			if (profile.pooler !== undefined) clean.pooler = profile.pooler;
			if (profile.readUrl) clean.readUrl = withoutPassword(profile.readUrl);
			if (profile.directUrl) clean.directUrl = withoutPassword(profile.directUrl);
			if (profile.readonly) clean.readonly = true;
			if (profile.statementTimeout) clean.statementTimeout = profile.statementTimeout;
			conf.set('profiles', {...profiles(), [name]: clean});
		},
		remove(name) {
			const all = profiles();
			if (!(name in all)) throw new NotFoundError(`no profile named "${name}"`, 'evfleet profile list shows the saved ones');
			delete all[name];
			conf.set('profiles', all);
			if (conf.get('current') === name) conf.delete('current');
		},
		use(name) {
			if (!(name in profiles())) throw new NotFoundError(`no profile named "${name}"`, 'evfleet profile list shows the saved ones');
			conf.set('current', name);
		},
	};
}
