import { defineConfig } from "vitest/config";

// Separate from vite.config.ts: the Remix plugin must not run under Vitest.
export default defineConfig({
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 30_000,
    // The first file that serves the production build builds it (tests/helpers/remix-server.ts), up to a minute or two.
    hookTimeout: 180_000,
    reporters: ["default"],
  },
});
