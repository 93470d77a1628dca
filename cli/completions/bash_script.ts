/**
 * The bash completion script (`fnlogs completions bash`).
 *
 * @module
 */
import type { CommandSpec, FlagSpec } from "./spec.ts";

/** A bash single-quoted word. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The `case` arm completing a flag's value, or `undefined` for switches. */
function valueArm(flag: FlagSpec): string | undefined {
  const names = [`--${flag.long}`, ...(flag.short ? [`-${flag.short}`] : [])].join("|");
  const value = flag.value;
  if (value === undefined) return undefined;
  const body = value === "file"
    ? `COMPREPLY=($(compgen -f -- "$cur"))`
    : value === "dir"
    ? `COMPREPLY=($(compgen -d -- "$cur"))`
    : value === "context"
    ? `COMPREPLY=($(compgen -W "$(fnlogs __complete contexts 2>/dev/null)" -- "$cur"))`
    : value === "text"
    ? `COMPREPLY=()`
    : `COMPREPLY=($(compgen -W ${quote(value.join(" "))} -- "$cur"))`;
  return `        ${names}) ${body}; return ;;`;
}

function commandArm(command: CommandSpec): string {
  const flags = command.flags.flatMap((f) => [`--${f.long}`, ...(f.short ? [`-${f.short}`] : [])]);
  const values = command.flags.map(valueArm).filter((arm) => arm !== undefined);
  const args = command.functions
    ? `COMPREPLY=($(compgen -W "$(_fnlogs_functions)" -- "$cur"))`
    : command.words !== undefined
    ? `COMPREPLY=($(compgen -W ${quote(command.words.join(" "))} -- "$cur"))`
    : "COMPREPLY=()";
  return [
    `    ${command.name})`,
    ...(values.length > 0 ? [`      case "$prev" in`, ...values, `      esac`] : []),
    `      if [[ "$cur" == -* ]]; then`,
    `        COMPREPLY=($(compgen -W ${quote(flags.join(" "))} -- "$cur"))`,
    `      else`,
    `        ${args}`,
    `      fi ;;`,
  ].join("\n");
}

/**
 * A bash script defining `_fnlogs` and registering it with `complete -F`:
 * subcommands, each command's flags, fixed flag values, files where a flag
 * takes one, the config file's contexts and, for `fnlogs logs`, function
 * names from `fnlogs __complete functions`. `--flag=value` is completed
 * too (bash splits it at `=`, see `COMP_WORDBREAKS`).
 */
export function bashScript(commands: readonly CommandSpec[]): string {
  return `# fnlogs completion for bash. Load it with:
#   source <(fnlogs completions bash)
# or save it as ~/.local/share/bash-completion/completions/fnlogs

# Function names from the gateway(s) the line names (split at blanks only:
# COMP_WORDS splits URLs at ":").
_fnlogs_functions() {
  local -a line
  read -ra line <<< "\${COMP_LINE:0:COMP_POINT}"
  fnlogs __complete functions "\${line[@]:2}" 2>/dev/null
}

_fnlogs() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" at=0 i
  (( COMP_CWORD > 0 )) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # bash splits --flag=value at "=": complete the value of --flag.
  if [[ "$cur" == "=" ]]; then
    cur=""
  elif [[ "$prev" == "=" ]]; then
    prev="\${COMP_WORDS[COMP_CWORD-2]}"
  fi
  # The subcommand: the first word after fnlogs that is not a flag.
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ "\${COMP_WORDS[i]}" != -* ]]; then at=$i; break; fi
  done
  if (( at == 0 )); then
    COMPREPLY=($(compgen -W ${quote(commands.map((c) => c.name).join(" "))} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[at]}" in
${commands.map(commandArm).join("\n")}
  esac
}
complete -F _fnlogs fnlogs
`;
}
