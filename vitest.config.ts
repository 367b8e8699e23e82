import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'tests/unit/**/*.test.ts',
      'tests/hostile/**/*.test.ts',
      'tests/examples/**/*.test.ts',
      'tests/labs/**/*.test.ts',
      'labs/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
  },
});
