import { assertStringIncludes, assertThrows } from "@std/assert";
import { UsageError } from "../../lib/errors.ts";
import { completionsText } from "./command.ts";

Deno.test("completionsText() writes each shell's script and refuses anything else", () => {
  assertStringIncludes(completionsText(["bash"]), "complete -F _fnlogs fnlogs");
  assertStringIncludes(completionsText(["zsh"]), "#compdef fnlogs");
  assertStringIncludes(completionsText(["fish"]), "complete -c fnlogs -f");
  assertStringIncludes(completionsText(["--help"]), "fnlogs completions bash|zsh|fish");
  assertThrows(
    () => completionsText(["tcsh"]),
    UsageError,
    'fnlogs completions takes one shell: bash, zsh, fish (got "tcsh")',
  );
  assertThrows(() => completionsText([]), UsageError);
  assertThrows(() => completionsText(["bash", "zsh"]), UsageError);
});
