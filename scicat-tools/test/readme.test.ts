import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { FIELDS } from "../src/upload/config.ts";

test("the README's settings table lists every setting", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  for (const f of FIELDS) {
    assert.ok(readme.includes(`| \`${f.key}\` | \`--${f.flag}\` |`), `README lacks a row for ${f.key}`);
    if (f.env) assert.ok(readme.includes(`\`${f.env}\``), `README lacks ${f.env}`);
  }
});
