import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/cli.ts";
import type { Io } from "../src/cli.ts";
import { ScicatClient, ScicatHttpError } from "../src/upload/client.ts";
import { TestScicat } from "./helpers/scicat-server.ts";
import { fixture } from "./helpers/fixtures.ts";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += `${s}\n`), stderr: (s) => (stderr += `${s}\n`), env, isTTY: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A copy of a fixture run folder, so tests may change files and own the source folder. */
function copyRun(...parts: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "run-"));
  const dest = join(dir, parts[parts.length - 1]!);
  cpSync(fixture(...parts), dest, { recursive: true });
  return dest;
}

const server = new TestScicat();
let work: string;

const required = () => [
  "--url",
  server.url,
  "--owner",
  "Ada Lovelace",
  "--owner-group",
  "laser-sim",
  "--contact-email",
  "ada@lab.example.org",
  "--investigator",
  "Ada Lovelace",
  "--report",
  join(work, `report-${Math.random().toString(36).slice(2)}.json`),
];
const login = ["--username", "ingestor", "--password", "s3cret"];

before(async () => {
  await server.start();
});
after(async () => {
  await server.stop();
});
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "upload-"));
  server.datasets.clear();
  server.origdatablocks.clear();
  server.requests.length = 0;
  server.fault = undefined;
});

const reportOf = (argv: string[]) => JSON.parse(readFileSync(argv[argv.indexOf("--report") + 1]!, "utf8")) as { counts: Record<string, number>; results: Array<Record<string, unknown>> };

describe("upload", () => {
  test("creates a derived dataset (v3): login, isValid before create, then the origdatablock", async () => {
    const folder = copyRun("smilei", "lwfa");
    const argv = ["upload", folder, ...required(), ...login, "--shot-uids", "shot-0042,shot-0043", "--campaign", "LWFA-2024"];
    const r = await run(argv);
    assert.equal(r.code, 0, r.stderr);
    const paths = server.requests.map((x) => `${x.method} ${x.path}`);
    assert.deepEqual(paths, ["POST /api/v3/auth/login", "GET /api/v3/datasets", "POST /api/v3/datasets/isValid", "POST /api/v3/datasets", "POST /api/v3/origdatablocks"]);
    assert.equal(server.datasets.size, 1);
    const ds = [...server.datasets.values()][0]!;
    assert.equal(ds["type"], "derived");
    assert.equal(ds["sourceFolder"], folder);
    assert.equal(ds["datasetName"], folder.split("/").slice(-2).join("/"));
    assert.deepEqual(ds["usedSoftware"], ["Smilei"]);
    assert.deepEqual(ds["inputDatasets"], []);
    assert.deepEqual(ds["keywords"], ["simulation", "smilei", "campaign:LWFA-2024", "shot:shot-0042", "shot:shot-0043"]);
    const sm = ds["scientificMetadata"] as Record<string, Record<string, unknown>>;
    // the server's unit conversion understood the units we sent
    assert.deepEqual([sm["laser_wavelength"]!["unitSI"], sm["laser_duration"]!["unitSI"]], ["m", "s"]);
    assert.deepEqual(sm["experiment_shot_uids"], { value: ["shot-0042", "shot-0043"] });
    assert.match(String(sm["input_checksum"]!["value"]), /^sha256:[0-9a-f]{64}$/);
    // the file list with sizes and checksums
    const block = [...server.origdatablocks.values()][0]!;
    assert.equal(block["datasetId"], ds["pid"]);
    const files = block["dataFileList"] as Array<{ path: string; size: number; chk: string }>;
    assert.deepEqual(files.map((f) => f.path), ["smilei.py"]);
    const content = readFileSync(join(folder, "smilei.py"));
    assert.equal(files[0]!.size, content.length);
    assert.equal(files[0]!.chk, createHash("sha256").update(content).digest("hex"));
    assert.equal(block["size"], content.length);
    assert.match(r.stderr, /1 created, 0 updated, 0 unchanged, 0 failed/);
    assert.equal(reportOf(argv).counts["created"], 1);
  });

  test("re-running on the same folder does not duplicate: unchanged, then updated when an input changes", async () => {
    const folder = copyRun("warpx", "lwfa");
    const first = await run(["upload", folder, ...required(), ...login]);
    assert.equal(first.code, 0, first.stderr);
    const pid = [...server.datasets.keys()][0]!;

    server.requests.length = 0;
    const again = ["upload", folder, ...required(), ...login];
    const second = await run(again);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(server.datasets.size, 1);
    assert.equal(server.origdatablocks.size, 1);
    assert.ok(!server.requests.some((x) => x.method === "POST" && x.path !== "/api/v3/auth/login"), "no creation on re-run");
    assert.ok(!server.requests.some((x) => x.method === "PATCH"), "nothing patched when unchanged");
    assert.equal(reportOf(again).results[0]!["status"], "unchanged");
    assert.match(second.stderr, /up to date/);

    // an input changes: the same dataset is updated, with a new checksum and file list
    appendFileSync(join(folder, "inputs_3d"), "\nmax_step = 2000\n");
    const third = ["upload", folder, ...required(), ...login];
    const r3 = await run(third);
    assert.equal(r3.code, 0, r3.stderr);
    assert.equal(server.datasets.size, 1);
    const result = reportOf(third).results[0]!;
    assert.equal(result["status"], "updated");
    assert.equal(result["pid"], pid);
    assert.ok((result["changed"] as string[]).includes("scientificMetadata"));
    assert.ok((result["changed"] as string[]).includes("origdatablock"));
    const sm = server.datasets.get(pid)!["scientificMetadata"] as Record<string, { value: unknown }>;
    assert.equal(sm["steps"]!.value, 2000);
    const block = [...server.origdatablocks.values()][0]!;
    const f = (block["dataFileList"] as Array<{ path: string; chk: string }>).find((x) => x.path === "inputs_3d")!;
    assert.equal(f.chk, createHash("sha256").update(readFileSync(join(folder, "inputs_3d"))).digest("hex"));
  });

  test("--dry-run prints the payloads and sends nothing", async () => {
    const folder = copyRun("picongpu", "lwfa");
    const argv = ["upload", folder, "--dry-run", "--owner", "A", "--owner-group", "g", "--contact-email", "a@b.org", "--investigator", "A", "--report", join(work, "dry.json")];
    const r = await run(argv);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(server.requests.length, 0);
    const out = JSON.parse(r.stdout) as { dataset: Record<string, unknown>; origdatablock: { dataFileList: Array<{ path: string }> } };
    assert.equal(out.dataset["sourceFolder"], folder);
    assert.equal(out.dataset["investigator"], "A");
    assert.deepEqual(out.dataset["usedSoftware"], ["PIConGPU"]);
    assert.ok(out.origdatablock.dataFileList.some((f) => f.path === "include/picongpu/param/incidentField.param"));
    assert.equal(reportOf(argv).results[0]!["status"], "dry-run");
    // the dry-run payload is exactly what the server accepts
    assert.deepEqual(server.datasetErrors("v3", out.dataset, { partial: false, whitelist: true }), []);
  });

  test("a missing required field stops with every missing field and where to set it", async () => {
    const folder = copyRun("smilei", "lwfa");
    const r = await run(["upload", folder, "--url", server.url, "--report", join(work, "x.json")]);
    assert.equal(r.code, 2);
    assert.equal(server.requests.length, 0);
    for (const [field, flag, env] of [
      ["ownerGroup", "--owner-group", "SCICAT_OWNER_GROUP"],
      ["contactEmail", "--contact-email", "SCICAT_CONTACT_EMAIL"],
      ["owner", "--owner", "SCICAT_OWNER"],
      ["investigator", "--investigator", "SCICAT_INVESTIGATOR"],
    ]) {
      assert.match(r.stderr, new RegExp(`- ${field}: set ${flag}, ${env}, "${field}" in the --config file`));
    }
    assert.match(r.stderr, /token or username\+password/);
  });

  test("settings from a config file and the environment, validated with JSON Schema", async () => {
    const folder = copyRun("picmi", "warpx_lwfa");
    const cfg = join(work, "scicat.json");
    writeFileSync(cfg, JSON.stringify({ ownerGroup: "laser-sim", contactEmail: "ada@lab.example.org", investigator: "Ada", accessGroups: ["laser"], api: "v4", report: join(work, "cfg.json") }));
    const r = await run(["upload", folder, "--config", cfg], { SCICAT_URL: server.url, SCICAT_TOKEN: "static-test-token" });
    assert.equal(r.code, 0, r.stderr);
    const ds = [...server.datasets.values()][0]!;
    // v4: no owner needed, principalInvestigators instead of investigator
    assert.deepEqual(ds["principalInvestigators"], ["Ada"]);
    assert.equal(ds["investigator"], undefined);
    assert.deepEqual(ds["usedSoftware"], ["WarpX (PICMI) 24.03"]);
    assert.ok(server.requests.every((x) => x.path.startsWith("/api/v4/")));

    const bad = join(work, "bad.json");
    writeFileSync(bad, JSON.stringify({ ownerGroup: "g", contactEmail: "not-an-email", contactMail: "x@y.org", api: "v5", accessGroups: "laser" }));
    const r2 = await run(["upload", folder, "--config", bad, "--wavelength", "abc", "--creation-time", "yesterday"]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /config file .*bad.json: "contactEmail": must be an e-mail address/);
    assert.match(r2.stderr, /config file .*bad.json: "contactMail": unknown field/);
    assert.match(r2.stderr, /config file .*bad.json: "api": must be one of v3, v4/);
    assert.match(r2.stderr, /config file .*bad.json: "accessGroups": must be array/);
    assert.match(r2.stderr, /--wavelength: must be number/);
    assert.match(r2.stderr, /--creation-time: must be an ISO 8601 date-time/);
  });

  test("a token is required: a wrong token fails the folder with the server's 401", async () => {
    const folder = copyRun("smilei", "legacy");
    const argv = ["upload", folder, ...required(), "--token", "wrong"];
    const r = await run(argv);
    assert.equal(r.code, 1);
    assert.equal(server.datasets.size, 0);
    assert.match(String(reportOf(argv).results[0]!["message"]), /HTTP 401: Unauthorized/);
    const bad = await run(["upload", folder, ...required(), "--username", "ingestor", "--password", "nope"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /login as ingestor failed: .*HTTP 401/);
  });

  test("many folders: one failing folder never stops the rest; summary, report and exit code", async () => {
    const ok1 = copyRun("smilei", "lwfa");
    const broken = mkdtempSync(join(tmpdir(), "notarun-"));
    writeFileSync(join(broken, "README.txt"), "no inputs here\n");
    const serverFails = copyRun("warpx", "lwfa");
    const ok2 = copyRun("picongpu", "lwfa");
    server.fault = (method, path, body) =>
      method === "POST" && path === "/api/v3/datasets" && (body as { sourceFolder?: string }).sourceFolder === serverFails ? { status: 500, body: { statusCode: 500, message: "Internal server error" } } : undefined;
    const argv = ["upload", ok1, broken, serverFails, ok2, ...required(), ...login];
    const r = await run(argv);
    assert.equal(r.code, 1);
    const report = reportOf(argv);
    assert.deepEqual(report.counts, { created: 2, updated: 0, unchanged: 0, failed: 2, "dry-run": 0 });
    assert.deepEqual(
      report.results.map((x) => x["status"]),
      ["created", "failed", "failed", "created"],
    );
    assert.match(String(report.results[1]!["message"]), /no Smilei namelist, WarpX inputs file/);
    assert.match(String(report.results[2]!["message"]), /POST \/api\/v3\/datasets → HTTP 500: Internal server error/);
    assert.equal(server.datasets.size, 2);
    assert.match(r.stderr, /\[4\/4\]/);
    assert.match(r.stderr, /status\s+folder\s+pid\s+details/);
    assert.match(r.stderr, /2 created, 0 updated, 0 unchanged, 2 failed/);
  });

  test("an origdatablock failure rolls the new dataset back, so a re-run creates both", async () => {
    const folder = copyRun("smilei", "normalized");
    server.fault = (method, path) => (method === "POST" && path === "/api/v3/origdatablocks" ? { status: 503 } : undefined);
    const r = await run(["upload", folder, ...required(), ...login]);
    assert.equal(r.code, 1);
    assert.equal(server.datasets.size, 0);
    assert.match(r.stderr, /origdatablock not created: .*HTTP 503.*dataset removed again/);
    server.fault = undefined;
    const r2 = await run(["upload", folder, ...required(), ...login]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(server.datasets.size, 1);
    assert.equal(server.origdatablocks.size, 1);
  });

  test("isValid refusing the dataset stops that folder before anything is created", async () => {
    const folder = copyRun("smilei", "lwfa");
    const r = await run(["upload", folder, ...required(), ...login, "--type", "raw", "--creation-location", "/lab/sim"]);
    // raw is valid too; now break it: a raw dataset without principalInvestigator on v3
    assert.equal(r.code, 0, r.stderr);
    assert.equal([...server.datasets.values()][0]!["principalInvestigator"], "Ada Lovelace");
    server.datasets.clear();
    server.fault = (method, path) => (method === "POST" && path === "/api/v3/datasets/isValid" ? { status: 200, body: { valid: false, error: "owner must be a string" } } : undefined);
    const r2 = await run(["upload", folder, ...required(), ...login]);
    assert.equal(r2.code, 1);
    assert.equal(server.datasets.size, 0);
    assert.match(r2.stderr, /not valid: owner must be a string/);
  });
});

describe("the test server enforces SciCat's rules", () => {
  test("unknown top-level fields are refused with 400; required fields; token", async () => {
    const client = new ScicatClient({ url: server.url, api: "v3", token: "static-test-token" });
    const base = { type: "derived", owner: "A", ownerGroup: "g", contactEmail: "a@b.org", sourceFolder: "/data/x", creationTime: "2024-05-01T12:00:00Z", investigator: "A", inputDatasets: [], usedSoftware: ["x"] };
    const created = await client.createDataset(base);
    assert.equal(created["datasetName"], "data/x");
    await assert.rejects(client.createDataset({ ...base, shotUid: "s1" }), (e: unknown) => e instanceof ScicatHttpError && e.status === 400 && /property shotUid should not exist/.test(e.message));
    const { investigator: _i, ...noInvestigator } = base;
    await assert.rejects(client.createDataset(noInvestigator), /investigator should not be null or undefined/);
    // v4 has no `investigator`
    const v4 = new ScicatClient({ url: server.url, api: "v4", token: "static-test-token" });
    await assert.rejects(v4.createDataset({ ...base, datasetName: "n" }), /property investigator should not exist/);
    const anonymous = new ScicatClient({ url: server.url, api: "v3" });
    await assert.rejects(anonymous.findDatasets({}), (e: unknown) => e instanceof ScicatHttpError && e.status === 401);
    assert.deepEqual(await client.isValid({ ...base, contactEmail: "nope" }), { valid: false, error: "contactEmail must be an email or a list of emails separated by ;" });
  });
});

describe("bin", () => {
  test("extract --json prints one JSON object", async () => {
    const { spawnSync } = await import("node:child_process");
    const bin = new URL("../bin/shotline-scicat.js", import.meta.url).pathname;
    const res = spawnSync(process.execPath, [bin, "extract", fixture("warpx", "lwfa"), "--json"], { encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ["code", "scientificMetadata", "warnings"]);
    assert.equal(out["code"], "warpx");
    const bad = spawnSync(process.execPath, [bin, "extract", fixture("warpx", "lwfa"), "--code", "vpic"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--code: must be one of smilei, warpx, picongpu, picmi/);
  });

  test("an older Node gets a clear message", async (t) => {
    const { spawnSync } = await import("node:child_process");
    const old = ["/usr/bin/node", "/usr/local/bin/node"].find((p) => {
      const v = spawnSync(p, ["-p", "process.versions.node"], { encoding: "utf8" });
      if (v.status !== 0) return false;
      const [maj, min] = v.stdout.trim().split(".").map(Number) as [number, number];
      return maj < 22 || (maj === 22 && min < 18);
    });
    if (!old) {
      t.skip("no Node older than 22.18 on this machine");
      return;
    }
    const bin = new URL("../bin/shotline-scicat.js", import.meta.url).pathname;
    const res = spawnSync(old, [bin, "extract", "."], { encoding: "utf8" });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /Node >= 22\.18 is required/);
  });
});

