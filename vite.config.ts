import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";
import remixConfig from "./remix.config.js";

export default defineConfig({
  // BUILD_DIR lets parallel test runs build side by side (server.ts reads the same variable).
  plugins: [
    tailwindcss(),
    remix({
      ...remixConfig,
      buildDirectory: process.env.BUILD_DIR || "build",
    }),
  ],
  server: { hmr: { port: 24678 } },
  build: { target: "es2022" },
});
