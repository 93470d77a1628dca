import { PROVIDER_FLAGS_HELP } from "../provider_flags.ts";

/** Help text of `fnlogs logs`. */
export const LOGS_HELP =
  `fnlogs logs: follow function logs, like faas-cli logs -f, that never dies silently

USAGE
  fnlogs logs NAME... [OPTIONS]
  fnlogs logs --all [OPTIONS]

Follows the logs from an OpenFaaS gateway or "fnlogs serve" (or, with --provider,
straight from an orchestrator). Cuts, timeouts and restarts are resumed exactly: no
line lost or repeated. Notices go to stderr as "fnlogs: ..." lines.

WHERE FROM
  -g, --gateway URL        gateway (default $OPENFAAS_URL, else http://127.0.0.1:8080); give it
                           again for several gateways, merged in time order (see NOTES)
      --context NAME       the gateways of context NAME in the config file (see NOTES)
  -n, --namespace NS       namespace of the function(s)
  -k, --token TOKEN        bearer token (default: what "faas-cli login" saved)
      --tls-no-verify      skip TLS certificate checks (see NOTES)
      --cacert FILE        trust the PEM certificates in FILE too
      --all                every function of the namespace (GET /system/functions)
      --provider KIND      read a provider directly instead of a gateway (see PROVIDERS)

WHAT
  -t, --tail[=BOOL]        faas-cli's follow switch (default true): --tail=false reads the history
  -f, --follow[=BOOL]      the same, kubectl's spelling
      --tail N             the last N lines first (kubectl/docker); --tail 0: no history
      --lines N            the last N lines first (faas-cli; default -1, <= 0: all)
      --since DURATION     lines newer than a Go duration (5s, 10m, 1h30m)
      --since-time TIME    lines since an RFC3339 time (wins over --since)
      --instance-filter ID only this instance (pod, container, process)
      --grep REGEX         only lines whose text matches (repeatable: any of them)
      --exclude REGEX      drop lines whose text matches (repeatable)
      --level LEVEL        only lines of LEVEL and above: trace, debug, info, warn, error,
                           fatal (read from JSON level/lvl/severity, logfmt level=, or a
                           leading ERROR, [warn], E1204 ...); lines without a level are dropped
      --where COND         a condition on JSON or logfmt fields (repeatable, all must hold):
                           KEY=V, KEY!=V, KEY~REGEX, KEY!~REGEX, KEY>N, KEY>=N, KEY<N, KEY<=N;
                           KEY is a dotted path (http.status)
                           fnlogs serve applies --level, --where, --grep, --exclude before the
                           wire; against other gateways they are applied here

NOISE
      --multiline          join continuation lines (indented lines, Caused by:, Python
                           tracebacks, Go panics) to the line before them: one record each
      --collapse[=MODE]    fold repeats of a line from one instance into one line with (xN);
                           MODE masked (default: numbers and ids may differ) or exact
      --rate-limit RATE    at most RATE lines per function (100/s, 600/m, 5000/h); lines at
                           warn and above are always kept; what was dropped is said on stderr

WHEN TO STOP
      --until-match REGEX  stop after the first line that matches (exit 0), exit 4 if none did
      --for DURATION       stop after this long (exit 0; exit 4 with --until-match)
      --max-lines N        stop after N lines
      --no-reconnect       stop (exit 3) when the stream ends or is cut
      --max-reconnects N   stop (exit 3) after N failed reconnects in a row
      --idle-timeout DUR   reconnect when no byte arrives for DUR (default 45s against
                           fnlogs serve's event stream, off against other gateways)
      --resume-file FILE   start where the last run with FILE stopped, and keep FILE
                           covering exactly the lines written to stdout (see NOTES)

${PROVIDER_FLAGS_HELP}
HOW
  -o, --output FORMAT      plain, keyvalue or json (faas-cli's formats, byte for byte)
  -j, --json               the same as --output json
      --time-format LAYOUT Go layout or ansic, unixdate, rubydate, rfc822, rfc822z, rfc850,
                           rfc1123, rfc1123z, rfc3339 (default), rfc3339nano; "" hides it
      --name               print the function name
      --instance           print the instance
      --events             with JSON output: stream-health events as JSON lines on stdout
      --parsed             with JSON output: add "level" and "fields" (what the text holds)
      --template TEMPLATE  print each line through a Go template (see TEMPLATES)
      --highlight REGEX    mark what REGEX matches (repeatable; only where colours are on)
      --color WHEN         auto (default; not when NO_COLOR is set), always or never
  -h, --help               this help

TEMPLATES
  A subset of Go's text/template. The dot is the line: .Text (.Message), .Name
  (.ContainerName), .Instance (.PodName), .Namespace, .Timestamp, .Level, .Format,
  .Fields, .Color; any other name is a field of the JSON or logfmt line (.msg,
  .http.status). if/else if/else, with, range, variables, pipes, and the functions
  and or not len index eq ne lt le gt ge print printf println json parseJSON
  tryParseJSON toTimestamp toRFC3339Nano color levelColor colorRed ... A newline is
  added unless the output ends with one; a line whose output is empty is not printed.

EXIT CODES
  0 done (history read, --until-match met, --for or --max-lines reached, Ctrl-C)
  1 error   2 bad usage   3 the stream ended for good   4 --until-match never matched

NOTES
  --tail takes an integer as a line count (kubectl) and a bool as the follow switch
  (faas-cli): --tail 20, --tail=20, --tail -1 are counts; --tail=false, --tail true are
  the switch; a bare --tail means follow. faas-cli reads --tail=1 as "follow"; here it is
  one line (write --tail=true). -f is --follow here, not faas-cli's stack file.
  Several names are merged in arrival order, each line prefixed "NAME (INSTANCE) ",
  coloured per instance on a terminal. One name prints exactly what faas-cli prints.
  --resume-file: runs with the same FILE print every line once between them, however
  they end (Ctrl-C, SIGTERM, a stop condition, a closed pipe: lines left unread in the
  pipe count as printed); a run killed with SIGKILL repeats at most its last write. FILE
  is written for one set of gateways, namespace and functions; another run is refused.
  Several gateways: lines are merged in timestamp order within --reorder-window MS
  (default 100) and prefixed "[HOST:PORT] " (keyvalue: gateway="...", json: a "gateway"
  key). --context NAME reads them from $FNLOGS_CONFIG, else ~/.config/fnlogs/config.yaml:
    contexts:
      prod:
        gateways:
          - {url: https://eu.example.com, label: eu, token-file: eu.token}
          - {url: https://us.example.com, username: admin, password-file: us.pw}
  (--context with --provider kubernetes is the kubeconfig's context, as before.)
  --tls-no-verify: Deno cannot turn certificate checks off per request, so fnlogs runs
  itself again with Deno's --unsafely-ignore-certificate-errors=HOST for the gateway's host
  only. A compiled binary cannot do that: use --cacert there.

EXAMPLES
  fnlogs logs hello                         follow hello, history first
  fnlogs logs hello --tail 20               the last 20 lines, then follow
  fnlogs logs hello --tail=false --since 10m   the last ten minutes, then exit
  fnlogs logs hello world --grep ERROR      two functions, only errors
  fnlogs logs hello --until-match "ready" --for 30s && echo up
  fnlogs logs hello -o json --events | jq .
  fnlogs logs api --level warn --where 'http.status>=500' --multiline
  fnlogs logs api --template '{{.Timestamp}} {{levelColor .Level}} {{.msg}}'
  fnlogs logs api --collapse --rate-limit 200/s --highlight timeout
  fnlogs logs --all -n openfaas-fn --instance
  fnlogs logs hello --stack examples/stack.yml   no server: run and follow locally
  fnlogs logs hello --tail=false --resume-file hello.pos >> hello.log   cron: new lines only
  fnlogs logs hello -g https://eu.example.com -g https://us.example.com
`;
