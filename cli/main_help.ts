/** Top-level help text of `fnlogs`. */
export const MAIN_HELP = `fnlogs: stream function logs

USAGE
  fnlogs serve [OPTIONS]         answer the OpenFaaS log API (GET /system/logs)
  fnlogs logs NAME... [OPTIONS]  follow function logs, like faas-cli logs
  fnlogs ship --from KIND --to nats://HOST:PORT  publish function logs to NATS JetStream
  fnlogs completions bash|zsh|fish   print a shell completion script
  fnlogs help | version

Run "fnlogs serve --help", "fnlogs logs --help" or "fnlogs ship --help" for a command's options.

EXAMPLES
  fnlogs serve --stack examples/stack.yml
  fnlogs logs hello -f
  fnlogs logs hello --tail 20 --gateway http://127.0.0.1:8080
  source <(fnlogs completions bash)
`;
