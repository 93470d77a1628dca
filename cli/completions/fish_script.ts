/**
 * The fish completion script (`fnlogs completions fish`).
 *
 * @module
 */
import type { CommandSpec, FlagSpec } from "./spec.ts";

/** A fish single-quoted word. */
const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;

function flagLine(command: string, flag: FlagSpec): string {
  const parts = [`complete -c fnlogs -n '__fish_seen_subcommand_from ${command}'`];
  if (flag.short) parts.push(`-s ${flag.short}`);
  parts.push(`-l ${flag.long}`);
  const value = flag.value;
  if (value === "file") parts.push("-r -F");
  else if (value === "dir") parts.push("-x -a '(__fish_complete_directories)'");
  else if (value === "context") parts.push("-x -a '(fnlogs __complete contexts 2>/dev/null)'");
  else if (value === "text") parts.push("-x");
  else if (value !== undefined) parts.push(`-x -a ${quote(value.join(" "))}`);
  parts.push(`-d ${quote(flag.description)}`);
  return parts.join(" ");
}

/**
 * A fish script of `complete` rules: subcommands and flags with their
 * descriptions, fixed flag values, files where a flag takes one, the
 * config file's contexts and, for `fnlogs logs`, function names from
 * `fnlogs __complete functions`.
 */
export function fishScript(commands: readonly CommandSpec[]): string {
  const lines = [
    "# fnlogs completion for fish. Load it with:",
    "#   fnlogs completions fish | source",
    "# or save it as ~/.config/fish/completions/fnlogs.fish",
    "",
    "function __fnlogs_functions",
    "    set -l tokens (commandline -opc)",
    "    fnlogs __complete functions $tokens[3..-1] 2>/dev/null",
    "end",
    "",
    "complete -c fnlogs -f",
  ];
  for (const command of commands) {
    lines.push(
      `complete -c fnlogs -n __fish_use_subcommand -a ${command.name} -d ${
        quote(command.description)
      }`,
    );
  }
  for (const command of commands) {
    for (const flag of command.flags) lines.push(flagLine(command.name, flag));
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    if (command.functions) {
      lines.push(`complete -c fnlogs ${when} -a '(__fnlogs_functions)' -d function`);
    }
    if (command.words !== undefined) {
      lines.push(`complete -c fnlogs ${when} -a ${quote(command.words.join(" "))}`);
    }
  }
  return lines.join("\n") + "\n";
}
