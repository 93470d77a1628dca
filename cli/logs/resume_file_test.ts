import { assert, assertEquals, assertRejects } from "@std/assert";
import { ResumeStateError } from "../../lib/errors.ts";
import { ResumeFile, type ResumeSelection } from "./resume_file.ts";
import { withOrigin } from "./origin.ts";
import type { LogRecord } from "../../lib/types.ts";

const A = "http://a:8080", B = "http://b:8080";
const selection: ResumeSelection = {
  sources: [A, B],
  target: "",
  namespace: "",
  functions: ["f", "g"],
};

function rec(name: string, second: number): LogRecord {
  return {
    name,
    namespace: "",
    instance: `${name}-1`,
    timestamp: `2024-01-01T00:00:0${second}Z`,
    text: `${name} ${second}`,
  };
}

/** Records of function `name` on `source`, tagged as the logs command tags them. */
async function tagged(source: string, name: string, seconds: number[]): Promise<LogRecord[]> {
  const origin = { ref: { source, namespace: "", name }, label: source };
  const [batch] = await Array.fromAsync(
    withOrigin(ReadableStream.from([seconds.map((s) => rec(name, s))]), origin),
  );
  return [...batch];
}

Deno.test("ResumeFile covers written lines per gateway and function, and a new run starts there", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/position.json`;
  const file = await ResumeFile.open(path, selection);
  // Saved at once (proving the file can be written), holding no position yet.
  assertEquals(JSON.parse(await Deno.readTextFile(path)).functions, []);
  const fromA = await tagged(A, "f", [1, 2]);
  const fromB = await tagged(B, "g", [3]);
  // A stop condition cut the batch after its second record: the rest is not covered.
  file.coverer([fromA[0], fromB[0], fromA[1]], fromB[0])();
  await file.close();
  const json = JSON.parse(await Deno.readTextFile(path));
  assertEquals(json.selection, {
    sources: [A, B],
    target: "",
    namespace: "",
    functions: ["f", "g"],
  });
  assertEquals(
    json.functions.map((
      f: { source: string; name: string; instances: { timestamp: string }[] },
    ) => [
      f.source,
      f.name,
      f.instances[0].timestamp,
    ]),
    [[A, "f", "2024-01-01T00:00:01Z"], [B, "g", "2024-01-01T00:00:03Z"]],
  );
  // The order of -g and of the names does not matter.
  const again = await ResumeFile.open(path, {
    ...selection,
    sources: [B, A],
    functions: ["g", "f"],
  });
  assertEquals(again.start.start({ source: A, namespace: "", name: "f" })?.instances[0].count, 1);
  await again.close();
  assertEquals((await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name), ["position.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ResumeFile refuses a file of other gateways, other functions, another version, or no resume file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/position.json`;
  await (await ResumeFile.open(path, selection)).close();
  const refused = async (other: ResumeSelection, message: string) => {
    await assertRejects(() => ResumeFile.open(path, other), ResumeStateError, message);
  };
  await refused(
    { ...selection, sources: [A] },
    `Cannot use resume file ${path}: it was written for f, g from ${A}, ${B}, not for f, g from ${A}; give another file or remove it`,
  );
  await refused({ ...selection, functions: ["f"] }, "not for f from");
  await refused({ ...selection, functions: "all" }, "not for --all from");
  await refused({ ...selection, namespace: "dev" }, 'not for f, g in namespace "dev" from');
  const json = JSON.parse(await Deno.readTextFile(path));
  await Deno.writeTextFile(path, JSON.stringify({ ...json, version: 2 }));
  await refused(
    selection,
    `Cannot use resume file ${path}: its format version is 2; this fnlogs reads version 1`,
  );
  await Deno.writeTextFile(path, JSON.stringify({ hello: "world" }));
  await refused(selection, "it is not one of fnlogs'");
  await Deno.writeTextFile(path, "{ half");
  await refused(selection, "it is not JSON");
  // Refused files are left as they were.
  assertEquals(await Deno.readTextFile(path), "{ half");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ResumeFile.save() writes only when the position moved, and never a partial file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/position.json`;
  const file = await ResumeFile.open(path, selection);
  const before = (await Deno.stat(path)).mtime?.getTime();
  const records = await tagged(A, "f", [1]);
  await file.save();
  assertEquals((await Deno.stat(path)).mtime?.getTime(), before);
  file.cover(records);
  // A reader of FILE between the saves sees one whole position or the other, never a mix.
  const saves = [file.save(), file.save(), file.save()];
  const text = await Deno.readTextFile(path);
  assert(JSON.parse(text).fnlogs === "resume-state");
  await Promise.all(saves);
  assertEquals(JSON.parse(await Deno.readTextFile(path)).functions.length, 1);
  await file.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("ResumeFile.open() says so at once when FILE cannot be written", async () => {
  await assertRejects(
    () => ResumeFile.open("/nonexistent-dir/position.json", selection),
    Error,
    "Cannot write resume file /nonexistent-dir/position.json: ",
  );
});
