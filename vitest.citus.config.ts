import {defineConfig} from 'vitest/config';

// npm run test:citus: the schema distributed on a Citus cluster (coordinator + 2 workers), compared with one server.
export default defineConfig({
	test: {
		include: ['test/citus/**/*.test.ts'],
		globalSetup: ['test/citus/global-setup.ts'],
		testTimeout: 60_000,
		// Building Citus (first run: ~2 minutes on 2 cores), starting 4 servers, loading and seeding.
		hookTimeout: 600_000,
		pool: 'forks',
		// One cluster for all files; the files compare against it one after another.
		fileParallelism: false,
	},
});
