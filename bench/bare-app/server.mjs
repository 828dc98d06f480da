// Serves the bare app's production build: Express and Remix's request handler, no compression and no
// other middleware (the baseline). PORT (default 3210), HOST (default 127.0.0.1).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const dir = path.dirname(fileURLToPath(import.meta.url));
const build = await import(path.join(dir, "build/server/index.js"));
const app = express();
app.disable("x-powered-by");
// Only the hashed client assets; the benchmarked route never goes through it.
app.use("/assets", express.static(path.join(dir, "build/client/assets")));
app.all("*", createRequestHandler({ build, mode: "production" }));
const port = Number(process.env.PORT ?? 3210);
app.listen(port, process.env.HOST ?? "127.0.0.1", () => console.log(`bare app on ${port}`));
