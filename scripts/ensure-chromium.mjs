// The end-to-end tests drive Debian's Chromium (test tools cannot download browsers here).
// Installs it with apt-get when this user can, otherwise says exactly what to install.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (isRoot && hasApt && !process.env.CHROMIUM_PATH) {
  console.log("[e2e] Chromium is missing: installing Debian's chromium with apt-get…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) break;
  }
  if (existsSync(path)) process.exit(0);
}
console.error(
  `[e2e] Chromium not found at ${path}.\n` +
    "Install Debian's package as root:  apt-get update && apt-get install -y chromium\n" +
    "or point CHROMIUM_PATH at another Chromium binary.",
);
process.exit(1);
