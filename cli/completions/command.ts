/**
 * `fnlogs completions bash|zsh|fish`: print the shell's completion script.
 *
 * @module
 */
import { UsageError } from "../../lib/errors.ts";
import { bashScript } from "./bash_script.ts";
import { fishScript } from "./fish_script.ts";
import { completionSpec, SHELLS } from "./spec.ts";
import { zshScript } from "./zsh_script.ts";

/** Help text of `fnlogs completions`. */
export const COMPLETIONS_HELP = `fnlogs completions: print a shell completion script

USAGE
  fnlogs completions bash|zsh|fish

Completes subcommands, flags, flag values (-o, --provider, --color, ...), files, the
config file's contexts, and the function names of the gateway the command line names
(when it answers within 300 ms).

EXAMPLES
  source <(fnlogs completions bash)                 # in ~/.bashrc
  source <(fnlogs completions zsh)                  # in ~/.zshrc, after compinit
  fnlogs completions fish > ~/.config/fish/completions/fnlogs.fish
`;

/**
 * The script for the shell `args` names (or the help). Throws
 * {@linkcode UsageError} for anything else.
 *
 * @example
 * ```ts
 * import { completionsText } from "./command.ts";
 * import { assertStringIncludes } from "@std/assert";
 *
 * assertStringIncludes(completionsText(["bash"]), "complete -F _fnlogs fnlogs");
 * ```
 */
export function completionsText(args: readonly string[]): string {
  const [shell, ...rest] = args;
  if (shell === "-h" || shell === "--help") return COMPLETIONS_HELP;
  if (shell === undefined || rest.length > 0 || !(SHELLS as readonly string[]).includes(shell)) {
    throw new UsageError(
      `fnlogs completions takes one shell: ${SHELLS.join(", ")}${
        shell === undefined ? "" : ` (got "${args.join(" ")}")`
      }`,
    );
  }
  const commands = completionSpec();
  return shell === "bash"
    ? bashScript(commands)
    : shell === "zsh"
    ? zshScript(commands)
    : fishScript(commands);
}
