import { PROVIDER_FLAGS_HELP } from "../provider_flags.ts";

/** Help text of `fnlogs serve`. */
export const SERVE_HELP =
  `fnlogs serve: answer the OpenFaaS log API (GET /system/logs) from an orchestrator

USAGE
  fnlogs serve [OPTIONS]

OPTIONS
  -p, --port N                 port to listen on (default 8080, env PORT; 0 picks a free one)
      --hostname HOST          address to listen on (default 127.0.0.1)
      --heartbeat DURATION     idle interval before an event-stream heartbeat (default 15s; 0 = off)
      --max-stream-duration D  end follow streams cleanly after D (default: never)
      --max-tail N             largest tail a request may ask for (default 1000000)
      --max-streams N          concurrent log streams in all (default 10000: ~30 KB each); 503
      --max-streams-per-client N  from one address (default 100); 429
      --max-query-bytes N      longest query string (default 4096); 414
      --max-header-bytes N     largest request headers (default 16384); 431
      --header-timeout D       close a connection that has no request in flight for D: a
                               request's headers must arrive within it (default 10s; 0 = never)
      --max-pending-per-client N  connections from one address still sending their first
                               request (default 256; 0 = no cap); more are closed at once
      --engine fnlogs|deno     the HTTP server: fnlogs' own HTTP/1.1 (default; ~30 KB per log
                               stream) or Deno.serve (HTTP/2 over TLS too; ~70 KB per log stream)
      --no-coalesce            one chunk per message, like the Go reference (benchmarks only)
      --basic-auth-user U      basic auth, the OpenFaaS way (env FNLOGS_BASIC_AUTH_USER)
      --basic-auth-password P  (env FNLOGS_BASIC_AUTH_PASSWORD)
      --secrets-dir DIR        read basic-auth-user and basic-auth-password files there
                               (env FNLOGS_SECRETS_DIR, e.g. /var/openfaas/secrets)
      --token T                accept "Authorization: Bearer T" (repeatable)
      --token-file FILE        accept the tokens in FILE, one a line (repeatable)
                               (no credentials configured: everyone gets in)
      --cert FILE, --key FILE  serve HTTPS with this PEM certificate chain and key
      --namespaces A,B         serve only these namespaces; others answer 403
      --no-ui                  do not serve the live-tail web page at /ui/
  -q, --quiet                  no per-stream access log on stderr
  -h, --help                   this help

${PROVIDER_FLAGS_HELP}
ENDPOINTS
  GET /system/logs?name=FN[&namespace=NS][&instance=I][&tail=N][&since=RFC3339][&follow=true]
  GET /system/functions[?namespace=NS]
  GET /healthz
  GET /ui/                     the live-tail web page (/ redirects there)

EXAMPLES
  fnlogs serve --stack examples/stack.yml
  fnlogs serve --provider kubernetes --context prod --hostname 0.0.0.0
  fnlogs serve --upstream http://gateway.openfaas:8080 --port 8081
  curl -s 'http://127.0.0.1:8080/system/logs?name=hello&tail=5&follow=true'
  faas-cli logs hello --gateway http://127.0.0.1:8080
`;
