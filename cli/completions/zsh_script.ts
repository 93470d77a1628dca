/**
 * The zsh completion script (`fnlogs completions zsh`).
 *
 * @module
 */
import type { CommandSpec, FlagSpec } from "./spec.ts";

/** A zsh single-quoted word. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** The zsh commands that offer `flag`'s values (`cur` already stripped of any `--flag=`). */
function offerValues(flag: FlagSpec): string | undefined {
  const value = flag.value;
  if (value === undefined) return undefined;
  if (value === "file") return "_files";
  if (value === "dir") return "_files -/";
  if (value === "context") return `compadd -- \${(f)"$(fnlogs __complete contexts 2>/dev/null)"}`;
  if (value === "text") return ":";
  return `compadd -- ${value.map(quote).join(" ")}`;
}

function commandArm(command: CommandSpec): string {
  const arms = command.flags.flatMap((flag) => {
    const offer = offerValues(flag);
    if (offer === undefined) return [];
    const names = [`--${flag.long}`, ...(flag.short ? [`-${flag.short}`] : [])].join("|");
    return [`        (${names}) ${offer}; return ;;`];
  });
  const described = command.flags.flatMap((f) => [
    quote(`--${f.long}:${f.description}`),
    ...(f.short ? [quote(`-${f.short}:${f.description}`)] : []),
  ]);
  const args = command.functions
    ? "_fnlogs_functions"
    : command.words !== undefined
    ? `compadd -- ${command.words.map(quote).join(" ")}`
    : ":";
  const values = arms.length === 0 ? [] : [
    `      # --flag=value, then the word after a flag that takes one.`,
    `      if [[ $cur == --*=* ]]; then`,
    `        flag=\${cur%%=*}`,
    `        compset -P '*='`,
    `        case $flag in`,
    ...arms,
    `        esac`,
    `        return`,
    `      fi`,
    `      case $prev in`,
    ...arms,
    `      esac`,
  ];
  return [
    `    (${command.name})`,
    ...values,
    `      if [[ $cur == -* ]]; then`,
    `        local -a flags=(${described.join(" ")})`,
    `        _describe -t flags 'fnlogs ${command.name} flag' flags`,
    `      else`,
    `        ${args}`,
    `      fi ;;`,
  ].join("\n");
}

/**
 * A zsh completion function `_fnlogs`: subcommands and flags with their
 * descriptions, fixed flag values (also as `--flag=value`), files where a
 * flag takes one, the config file's contexts and, for `fnlogs logs`,
 * function names from `fnlogs __complete functions`. Works sourced after
 * `compinit` or saved as `_fnlogs` in a directory of `$fpath`.
 */
export function zshScript(commands: readonly CommandSpec[]): string {
  const described = commands.map((c) => quote(`${c.name}:${c.description}`)).join(" ");
  return `#compdef fnlogs
# fnlogs completion for zsh. Load it after compinit with:
#   source <(fnlogs completions zsh)
# or save it as _fnlogs in a directory of your $fpath.

_fnlogs_functions() {
  local -a names
  names=(\${(f)"$(fnlogs __complete functions \${words[3,CURRENT-1]} 2>/dev/null)"})
  compadd -a names
}

_fnlogs() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} flag
  if (( CURRENT == 2 )); then
    local -a commands=(${described})
    _describe -t commands 'fnlogs command' commands
    return
  fi
  case \${words[2]} in
${commands.map(commandArm).join("\n")}
  esac
}

if [[ \${funcstack[1]} == _fnlogs ]]; then
  _fnlogs "$@"
else
  compdef _fnlogs fnlogs
fi
`;
}
