// The benchmark baseline (issue 17): a bare Remix v2 app built with the repo's own Remix, React and
// Express, so bench/forum-thread.ts can compare Hearth's pages against what Remix costs by itself.
//   npx remix vite:build bench/bare-app && NODE_ENV=production node bench/bare-app/server.mjs
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [remix({ appDirectory: "app", buildDirectory: "build" })],
  build: { target: "es2022" },
});
