// The browser tests drive Debian's Chromium. Install it when missing (as root, the way CI runs);
// otherwise say exactly what to do. Never skip the browser tests silently.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = "/usr/bin/chromium";
if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root) {
    console.error(`Chromium is missing at ${path}. Install it with: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  console.log("Installing Debian Chromium for the browser tests…");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
}
