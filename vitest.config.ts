import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// test/citus runs on its own cluster: npm run test:citus (vitest.citus.config.ts)
		exclude: ['test/citus/**', '**/node_modules/**'],
		globalSetup: ['test/global-setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 120_000,
		// The machine has two cores; database tests each get their own database, so files run in parallel safely.
		pool: 'forks',
	},
});
