import { assertEquals, assertRejects } from "@std/assert";
import { InvalidInputError } from "../../lib/errors.ts";
import { loadCredentials } from "./load_credentials.ts";

Deno.test("loadCredentials() reads OpenFaaS secret files and token files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/basic-auth-user`, "admin\n");
    await Deno.writeTextFile(`${dir}/basic-auth-password`, "s3cret\n");
    await Deno.writeTextFile(`${dir}/tokens`, "# readers\nalpha\n\n  beta  \n");
    assertEquals(
      await loadCredentials({ secretsDir: dir, tokens: ["flag"], tokenFiles: [`${dir}/tokens`] }),
      { basic: { user: "admin", password: "s3cret" }, tokens: ["flag", "alpha", "beta"] },
    );
    // Flags win over the files.
    assertEquals(
      (await loadCredentials({ secretsDir: dir, user: "root", password: "pw" }))?.basic,
      { user: "root", password: "pw" },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCredentials() is off without credentials and refuses half of a pair", async () => {
  assertEquals(await loadCredentials({}), undefined);
  await assertRejects(
    () => loadCredentials({ user: "admin" }),
    InvalidInputError,
    "both a user and a password",
  );
  await assertRejects(() => loadCredentials({ user: "a", password: "" }), InvalidInputError);
  await assertRejects(
    () => loadCredentials({ secretsDir: "/nonexistent/secrets" }),
    InvalidInputError,
    "Cannot read the secret file /nonexistent/secrets/basic-auth-user",
  );
  // `--token "$TOKEN"` with TOKEN unset: refused, not "auth on" that lets everyone in.
  for (const token of ["", "  "]) {
    await assertRejects(
      () => loadCredentials({ tokens: ["t0k", token] }),
      InvalidInputError,
      "A token cannot be empty",
    );
  }
});
