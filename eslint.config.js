// ESLint (flat config): typescript-eslint's recommended rules, React's rules of hooks, and the layer rules of
// README "Development" (which folder may import which), so a wrong import fails `npm run lint` and CI.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** A folder may not import these (relative paths, from any depth below source/). */
const forbid = (...folders) => ({
	'no-restricted-imports': ['error', {patterns: folders.map(folder => ({group: [`**/${folder}/*`, `**/${folder}/**`], message: `layering (README "Development"): this folder does not import source/${folder}/`}))}],
});

export default tseslint.config(
	{ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'bench/results/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
			// an empty catch is how "best effort, the error does not matter" reads here (cleanup paths)
			'no-empty': ['error', {allowEmptyCatch: true}],
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
		},
		linterOptions: {reportUnusedDisableDirectives: 'error'},
	},
	{files: ['source/model/**'], rules: forbid('db', 'app', 'screens', 'components', 'print', 'text', 'commands', 'demo')},
	{files: ['source/db/**'], rules: forbid('app', 'screens', 'components', 'print', 'commands', 'demo')},
	{files: ['source/text/**'], rules: forbid('db', 'app', 'screens', 'components', 'print', 'commands', 'demo')},
	{files: ['source/screens/**', 'source/components/**'], rules: forbid('db', 'commands', 'demo')},
	{files: ['source/components/**'], rules: forbid('db', 'commands', 'demo', 'model', 'app', 'screens')},
	{files: ['source/print/**'], rules: forbid('app', 'screens', 'commands', 'demo')},
	// Tests match terminal output: escape sequences and runs of spaces in column layouts are what they check.
	{files: ['test/**'], rules: {'no-control-regex': 'off', 'no-regex-spaces': 'off'}},
	{files: ['**/*.js', '**/*.mjs'], languageOptions: {globals: {process: 'readonly', console: 'readonly', require: 'readonly', __filename: 'readonly', URL: 'readonly'}}},
);
