// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const awsAndEdge = [
  { group: ['@aws-sdk/*'], message: 'Only shared/infrastructure talks to AWS.' },
  { group: ['@middy/*'], message: 'Only shared/http and functions/ use middy.' },
];
const outerLayers = [
  { group: ['**/application/**', '../application/*'], message: 'The domain depends on nothing.' },
  { group: ['**/infrastructure/**', '../infrastructure/*'], message: 'Adapters point inward.' },
  { group: ['**/http/**', '../http/*'], message: 'The edge points inward.' },
];

/**
 * typescript-eslint strict-type-checked plus the layer rules of docs/architecture.md:
 * dependencies point inward (functions → http → application → domain), and only the
 * infrastructure layer imports the AWS SDK.
 */
export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.nexum/', 'coverage/', '.bench/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-console': 'error',
      // `import { z }` keeps every zod locale in each bundle (~250 KiB); the namespace form does not.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z'][importKind!='type']",
          message: "Use `import * as z from 'zod'`: it lets esbuild drop zod's locales.",
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: 'error',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...awsAndEdge,
            {
              group: ['zod', 'zod/*'],
              message: 'The domain guards meaning; zod lives at the edge.',
            },
            ...outerLayers,
            { group: ['node:*'], message: 'The domain is pure: no I/O, clock or randomness.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The domain reads no environment.' },
        { name: 'Date', message: 'Time comes through the Clock port.' },
      ],
    },
  },
  {
    files: ['shared/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...awsAndEdge, ...outerLayers.slice(1)] }],
    },
  },
  {
    files: ['shared/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...awsAndEdge, ...outerLayers] }],
    },
  },
  {
    files: ['shared/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*'], message: 'The edge reaches AWS through application ports.' },
            {
              group: ['**/infrastructure/**', '../infrastructure/*'],
              message: 'The edge gets adapters injected.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/**'],
              message: 'CDK references handlers by path, never imports them.',
            },
            {
              group: [
                '**/shared/domain/**',
                '**/shared/application/**',
                '**/shared/infrastructure/**',
                '**/shared/http/**',
              ],
              message: 'infra/ reads shared/contracts only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
);
