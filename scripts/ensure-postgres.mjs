// The suite runs its PostgreSQL tests on a throwaway cluster of Debian's PostgreSQL server
// (test/support/postgres.ts). Installs it with apt-get when this user can, otherwise says what to install.
import { existsSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";

const hasServer = () =>
  existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
if (hasServer() || spawnSync("sh", ["-c", "command -v initdb"]).status === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
if (isRoot && hasApt) {
  console.log("[test] PostgreSQL is missing: installing Debian's postgresql with apt-get…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "postgresql"]]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) break;
  }
  if (hasServer()) process.exit(0);
}
console.error(
  "[test] PostgreSQL's server binaries (initdb, postgres) were not found.\n" +
    "Install Debian's package as root:  apt-get update && apt-get install -y postgresql",
);
process.exit(1);
