#!/usr/bin/env node
// Launcher for the TypeScript CLI: Node >= 22.18 runs .ts files directly
// (type stripping), so no build step is needed.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `shotline-scicat: Node >= 22.18 is required (it runs TypeScript directly); this is Node ${process.versions.node}.\n`,
  );
  process.exit(2);
}
// a closed pipe (e.g. `| head`) is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import(new URL("../src/cli.ts", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
