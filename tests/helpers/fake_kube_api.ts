/**
 * A fake Kubernetes API server on a loopback port, for tests. It writes the
 * API server's wire formats byte for byte, as read in the Kubernetes source:
 *
 * - Every JSON answer is compact and ends in `\n`: the apimachinery JSON
 *   serializer encodes with Go's `json.Encoder`
 *   (k8s.io/apimachinery/pkg/runtime/serializer/json/json.go). Keys follow
 *   the Go struct order (k8s.io/api/core/v1/types.go, apps/v1/types.go,
 *   apimachinery/pkg/apis/meta/v1/types.go).
 * - Error bodies are `Status` objects (`kind, apiVersion, metadata, status,
 *   message, reason, details, code`) built by apimachinery/pkg/api/errors
 *   (NewNotFound, NewForbidden, NewBadRequest, NewUnauthorized,
 *   NewResourceExpired) and written by responsewriters.ErrorNegotiated. The
 *   403 message is apiserver/pkg/endpoints/handlers/responsewriters/errors.go
 *   `forbiddenMessage`.
 * - Pod logs (pkg/registry/core/pod/rest/log.go): `text/plain`, chunked,
 *   flushed per write when following; each line `RFC3339NanoFixed SPACE TEXT`
 *   (pkg/kubelet/kuberuntime/logs/logs.go `timeFormatOut`). A pod with no
 *   node has no log location: `204 No Content`
 *   (pkg/registry/core/pod/strategy.go LogLocation, responsewriters
 *   StreamObject). `sinceTime` reaches the kubelet formatted with
 *   `time.RFC3339`, so whole seconds (strategy.go). A container that has not
 *   started: the kubelet's `container %q in pod %q is waiting to start: %s`
 *   (pkg/kubelet/kubelet_pods.go validateContainerLogStatus) as a 400
 *   BadRequest Status (apiserver/pkg/registry/generic/rest/response_checker.go).
 * - Watches: one `{"type":...,"object":...}` per line, flushed per event; a
 *   resource version older than the history gives one `ERROR` event with a
 *   410 `Expired` Status, `too old resource version: %d (%d)`
 *   (apiserver/pkg/storage/cacher/cacher.go newErrWatcher, watch_cache.go).
 *
 * @module
 */

export interface FakePodOptions {
  /** The `faas_function` label (default: the pod name up to its first `-`). */
  readonly fn?: string;
  readonly phase?: string;
  /** `false`: not scheduled yet (no `spec.nodeName`). */
  readonly scheduled?: boolean;
  /** The container's waiting reason (`ContainerCreating`); undefined when running. */
  readonly waiting?: string;
  /** Initial log lines: `[RFC3339NanoFixed timestamp, text]`. */
  readonly logs?: readonly (readonly [string, string])[];
  /** `metadata.annotations` (sidecar injectors write big ones). */
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly fn: string;
  phase: string;
  scheduled: boolean;
  waiting?: string;
  readonly logs: [string, string][];
  rv: number;
  readonly uid: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface Stream {
  readonly kind: "log" | "watch";
  readonly namespace: string;
  readonly pod?: string;
  readonly selector?: string;
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  readonly timestamps?: boolean;
}

const encoder = new TextEncoder();
const USER = "system:serviceaccount:openfaas:fnlogs";

function status(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

function json(body: unknown, code = 200): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status: code,
    headers: { "Content-Type": "application/json" },
  });
}

/** Whole seconds of an RFC3339 time, as the kubelet receives `sinceTime`. */
function seconds(text: string): number {
  return Math.floor(Date.parse(text.replace(/\.\d+/, "")) / 1000);
}

/** A test double of the API server; see the module notes for its formats. */
export class FakeKubeApi {
  readonly url: string;
  /** Every request's path and query, in order. */
  readonly requests: string[] = [];
  /** Requests that get a 403, as `VERB RESOURCE` (`list pods`, `get pods/log`, `watch pods`). */
  readonly forbidden = new Set<string>();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #token: string | undefined;
  readonly #pods = new Map<string, Pod>();
  readonly #deployments = new Map<string, { replicas: number; available: number }>();
  readonly #events: { rv: number; namespace: string; fn: string; line: string }[] = [];
  readonly #streams = new Set<Stream>();
  #waiters = new Set<() => void>();
  #rv = 1000;
  #oldest = 0;
  #uid = 0;

  private constructor(
    server: Deno.HttpServer<Deno.NetAddr>,
    token: string | undefined,
    tls: boolean,
  ) {
    this.#server = server;
    this.#token = token;
    this.url = `${tls ? "https" : "http"}://127.0.0.1:${server.addr.port}`;
  }

  /** Starts a server on a free loopback port (TLS with `cert`/`key`). */
  static start(options: { token?: string; cert?: string; key?: string } = {}): FakeKubeApi {
    const self: { api?: FakeKubeApi } = {};
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
      ...(options.cert ? { cert: options.cert, key: options.key! } : {}),
    }, (request) => self.api!.#handle(request));
    self.api = new FakeKubeApi(server, options.token, options.cert !== undefined);
    return self.api;
  }

  /**
   * Ends every open stream and stops the server. A stream the client left
   * unread (a test that failed half-way) is aborted instead, or the
   * server's graceful shutdown would wait for it forever.
   */
  async close(): Promise<void> {
    for (const s of this.#streams) {
      this.#streams.delete(s);
      try {
        if ((s.controller.desiredSize ?? 1) < 1) s.controller.error(new Error("fake API closed"));
        else s.controller.close();
      } catch { /* the client already went away */ }
    }
    await this.#server.shutdown();
  }

  addDeployment(namespace: string, name: string, replicas = 1, available = replicas): void {
    this.#deployments.set(`${namespace}/${name}`, { replicas, available });
  }

  addPod(namespace: string, name: string, options: FakePodOptions = {}): void {
    const pod: Pod = {
      namespace,
      name,
      fn: options.fn ?? name.split("-")[0],
      phase: options.phase ??
        (options.waiting || options.scheduled === false ? "Pending" : "Running"),
      scheduled: options.scheduled ?? true,
      waiting: options.waiting,
      logs: (options.logs ?? []).map(([ts, text]) => [ts, text]),
      rv: 0,
      uid: `6c1a2f0e-0000-4000-8000-${String(++this.#uid).padStart(12, "0")}`,
      annotations: options.annotations,
    };
    this.#pods.set(`${namespace}/${name}`, pod);
    this.#event("ADDED", pod);
  }

  /** Changes a pod (it starts: `{ phase: "Running", waiting: undefined }`) and sends MODIFIED. */
  updatePod(
    namespace: string,
    name: string,
    changes: Partial<Pick<Pod, "phase" | "scheduled" | "waiting">>,
  ): void {
    const pod = this.#pod(namespace, name);
    Object.assign(pod, changes);
    this.#event("MODIFIED", pod);
  }

  /** The container stops (its log streams end), then the pod is deleted. */
  deletePod(namespace: string, name: string): void {
    const pod = this.#pod(namespace, name);
    this.endLogStreams(namespace, name);
    this.#pods.delete(`${namespace}/${name}`);
    this.#event("DELETED", pod);
  }

  /** Writes lines to the pod's log: one chunk to every open follow stream. */
  appendLog(namespace: string, name: string, ...lines: (readonly [string, string])[]): void {
    const pod = this.#pod(namespace, name);
    for (const [ts, text] of lines) pod.logs.push([ts, text]);
    for (const s of this.#streams) {
      if (s.kind === "log" && s.namespace === namespace && s.pod === name) {
        s.controller.enqueue(
          encoder.encode(
            lines.map(([ts, text]) => (s.timestamps ? ts + " " : "") + text + "\n").join(""),
          ),
        );
      }
    }
  }

  /** Ends the pod's open log streams (the container stopped, or the connection was cut). */
  endLogStreams(namespace: string, name: string): void {
    for (const s of this.#streams) {
      if (s.kind === "log" && s.namespace === namespace && s.pod === name) this.#end(s);
    }
  }

  /** Ends the open watches, as the API server does after its watch timeout. */
  endWatches(): void {
    for (const s of this.#streams) if (s.kind === "watch") this.#end(s);
  }

  /** Forgets the event history: watches from older resource versions get 410. */
  compact(): void {
    this.#oldest = this.#rv;
    this.#events.length = 0;
  }

  /** Open log streams (of one pod, or all). */
  openLogStreams(pod?: string): number {
    let n = 0;
    for (const s of this.#streams) {
      if (s.kind === "log" && (pod === undefined || s.pod === pod)) n++;
    }
    return n;
  }

  /** Chunks written to the pod's log streams that the client has not taken yet. */
  logBacklog(pod: string): number {
    let n = 0;
    for (const s of this.#streams) {
      if (s.kind === "log" && s.pod === pod) n += 1 - (s.controller.desiredSize ?? 1);
    }
    return n;
  }

  /** Open watches. */
  get openWatches(): number {
    let n = 0;
    for (const s of this.#streams) if (s.kind === "watch") n++;
    return n;
  }

  /** Resolves once `predicate()` holds; checked after every request and stream change. */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }

  #pod(namespace: string, name: string): Pod {
    const pod = this.#pods.get(`${namespace}/${name}`);
    if (pod === undefined) throw new Error(`no pod ${namespace}/${name}`);
    return pod;
  }

  #event(type: string, pod: Pod): void {
    pod.rv = ++this.#rv;
    const line = JSON.stringify({ type, object: this.#podJson(pod, true) }) + "\n";
    this.#events.push({ rv: pod.rv, namespace: pod.namespace, fn: pod.fn, line });
    for (const s of this.#streams) {
      if (
        s.kind === "watch" && s.namespace === pod.namespace && this.#selects(s.selector, pod.fn)
      ) {
        s.controller.enqueue(encoder.encode(line));
      }
    }
    this.#changed();
  }

  #selects(selector: string | undefined, fn: string): boolean {
    if (selector === undefined || selector === "" || selector === "faas_function") return true;
    return selector === `faas_function=${fn}`;
  }

  #end(s: Stream): void {
    if (!this.#streams.delete(s)) return;
    try {
      s.controller.close();
    } catch { /* the client already went away */ }
    this.#changed();
  }

  #open(init: Omit<Stream, "controller">, first: string, end = false): Response {
    let stream!: Stream;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        stream = { ...init, controller };
        if (first !== "") controller.enqueue(encoder.encode(first));
        if (end) controller.close();
        else this.#streams.add(stream);
      },
      cancel: () => {
        // The client closed the connection.
        this.#streams.delete(stream);
        this.#changed();
      },
    });
    queueMicrotask(() => this.#changed());
    const type = init.kind === "log" ? "text/plain" : "application/json";
    return new Response(body, { headers: { "Content-Type": type } });
  }

  #forbidden(
    verb: string,
    resource: string,
    namespace: string,
    name?: string,
  ): Response | undefined {
    if (!this.forbidden.has(`${verb} ${resource}`)) return undefined;
    const [base] = resource.split("/");
    const group = base === "deployments" ? "apps" : "";
    const qualified = group === "" ? base : `${base}.${group}`;
    const message =
      `${qualified}${name === undefined ? "" : ` "${name}"`} is forbidden: User "${USER}" ` +
      `cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${namespace}"`;
    const details = {
      ...(name === undefined ? {} : { name }),
      ...(group ? { group } : {}),
      kind: base,
    };
    return json(status(403, "Forbidden", message, details), 403);
  }

  #handle(request: Request): Response {
    const url = new URL(request.url);
    this.requests.push(url.pathname + url.search);
    queueMicrotask(() => this.#changed());
    if (
      this.#token !== undefined && request.headers.get("Authorization") !== `Bearer ${this.#token}`
    ) {
      return json(status(401, "Unauthorized", "Unauthorized"), 401);
    }
    const q = url.searchParams;
    let m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/);
    if (m) {
      const ns = decodeURIComponent(m[1]);
      const watch = q.get("watch") === "1" || q.get("watch") === "true";
      return this.#forbidden(watch ? "watch" : "list", "pods", ns) ??
        (watch ? this.#watch(ns, q) : this.#list(ns, q.get("labelSelector") ?? ""));
    }
    m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/);
    if (m) {
      const ns = decodeURIComponent(m[1]), name = decodeURIComponent(m[2]);
      return this.#forbidden("get", "pods/log", ns, name) ?? this.#log(ns, name, q);
    }
    m = url.pathname.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/);
    if (m) {
      const ns = decodeURIComponent(m[1]);
      const name = m[2] === undefined ? undefined : decodeURIComponent(m[2]);
      return this.#forbidden(name === undefined ? "list" : "get", "deployments", ns, name) ??
        this.#deploymentsAnswer(ns, name);
    }
    return json(
      status(404, "NotFound", "the server could not find the requested resource", {}),
      404,
    );
  }

  #list(ns: string, selector: string): Response {
    const items = [...this.#pods.values()]
      .filter((p) => p.namespace === ns && this.#selects(selector, p.fn))
      .map((p) => this.#podJson(p, false));
    return json({
      kind: "PodList",
      apiVersion: "v1",
      metadata: { resourceVersion: String(this.#rv) },
      items,
    });
  }

  #watch(ns: string, q: URLSearchParams): Response {
    const selector = q.get("labelSelector") ?? "";
    const from = Number(q.get("resourceVersion") ?? "0");
    if (from < this.#oldest) {
      const error = status(
        410,
        "Expired",
        `too old resource version: ${from} (${this.#oldest - 1})`,
      );
      return this.#open(
        { kind: "watch", namespace: ns, selector },
        JSON.stringify({ type: "ERROR", object: error }) + "\n",
        true,
      );
    }
    const backlog = this.#events
      .filter((e) => e.rv > from && e.namespace === ns && this.#selects(selector, e.fn))
      .map((e) => e.line).join("");
    return this.#open({ kind: "watch", namespace: ns, selector }, backlog);
  }

  #log(ns: string, name: string, q: URLSearchParams): Response {
    const pod = this.#pods.get(`${ns}/${name}`);
    if (pod === undefined) {
      return json(status(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" }), 404);
    }
    const container = q.get("container");
    if (container !== null && container !== pod.fn) {
      return json(
        status(400, "BadRequest", `container ${container} is not valid for pod ${name}`),
        400,
      );
    }
    if (!pod.scheduled) return new Response(null, { status: 204 });
    if (pod.waiting !== undefined) {
      const message = `container "${pod.fn}" in pod "${name}" is waiting to start: ${pod.waiting}`;
      return json(status(400, "BadRequest", message), 400);
    }
    const timestamps = q.get("timestamps") === "true";
    const sinceTime = q.get("sinceTime");
    let lines = pod.logs;
    if (sinceTime !== null) lines = lines.filter(([ts]) => seconds(ts) >= seconds(sinceTime));
    const tail = q.get("tailLines");
    if (tail !== null) lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const history = lines.map(([ts, text]) => (timestamps ? ts + " " : "") + text + "\n").join("");
    // Following a container that has terminated gives what it wrote, then ends.
    const follow = q.get("follow") === "true" && pod.phase !== "Succeeded" &&
      pod.phase !== "Failed";
    return this.#open({ kind: "log", namespace: ns, pod: name, timestamps }, history, !follow);
  }

  #deploymentsAnswer(ns: string, name: string | undefined): Response {
    const json1 = (n: string, d: { replicas: number; available: number }) => ({
      metadata: {
        name: n,
        namespace: ns,
        uid: `0b5e3c1d-0000-4000-8000-${n.padStart(12, "0").slice(-12)}`,
        resourceVersion: String(this.#rv),
        generation: 1,
        creationTimestamp: "2024-01-01T00:00:00Z",
        labels: { faas_function: n },
      },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: { faas_function: n } },
        template: {
          metadata: { creationTimestamp: null, labels: { faas_function: n } },
          spec: { containers: [{ name: n, image: `ghcr.io/openfaas/${n}:latest`, resources: {} }] },
        },
      },
      status: {
        observedGeneration: 1,
        replicas: d.replicas,
        ...(d.available > 0 ? { readyReplicas: d.available, availableReplicas: d.available } : {}),
      },
    });
    if (name !== undefined) {
      const d = this.#deployments.get(`${ns}/${name}`);
      if (d === undefined) {
        const details = { name, group: "apps", kind: "deployments" };
        return json(status(404, "NotFound", `deployments.apps "${name}" not found`, details), 404);
      }
      return json({ kind: "Deployment", apiVersion: "apps/v1", ...json1(name, d) });
    }
    const items = [...this.#deployments].filter(([key]) => key.startsWith(ns + "/"))
      .map(([key, d]) => json1(key.slice(ns.length + 1), d));
    return json({
      kind: "DeploymentList",
      apiVersion: "apps/v1",
      metadata: { resourceVersion: String(this.#rv) },
      items,
    });
  }

  #podJson(p: Pod, withKind: boolean): object {
    const hash = "5d7c9f7d8b";
    const state = p.waiting !== undefined
      ? { waiting: { reason: p.waiting } }
      : p.phase === "Running"
      ? { running: { startedAt: "2024-01-01T00:00:01Z" } }
      : {};
    return {
      ...(withKind ? { kind: "Pod", apiVersion: "v1" } : {}),
      metadata: {
        name: p.name,
        generateName: `${p.fn}-${hash}-`,
        namespace: p.namespace,
        uid: p.uid,
        resourceVersion: String(p.rv),
        creationTimestamp: "2024-01-01T00:00:00Z",
        labels: { faas_function: p.fn, "pod-template-hash": hash },
        ...(p.annotations === undefined ? {} : { annotations: p.annotations }),
      },
      spec: {
        containers: [{
          name: p.fn,
          image: `ghcr.io/openfaas/${p.fn}:latest`,
          resources: {},
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          imagePullPolicy: "Always",
        }],
        restartPolicy: "Always",
        ...(p.scheduled ? { nodeName: "node-1" } : {}),
      },
      status: {
        phase: p.phase,
        ...(p.scheduled
          ? {
            containerStatuses: [{
              name: p.fn,
              state,
              lastState: {},
              ready: p.phase === "Running" && p.waiting === undefined,
              restartCount: 0,
              image: `ghcr.io/openfaas/${p.fn}:latest`,
              imageID: "",
              started: p.phase === "Running" && p.waiting === undefined,
            }],
          }
          : {}),
      },
    };
  }
}

/**
 * Test-only TLS material (EC P-256, valid for 100 years), made with:
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 36500` for the CA,
 * then a server certificate for `IP:127.0.0.1, DNS:localhost` and a client
 * certificate (`CN=fnlogs, O=system:masters`) signed by it; keys in PKCS#8.
 * They protect nothing: only tests use them.
 */
export const TEST_TLS = {
  ca: `-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUc9m1XiMGnmEgNfKg66PgU8Ga3acwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZm5sb2dzLXRlc3QtY2EwIBcNMjYxMTIyMTkzNDE0WhgPMjEy
NjEwMjkxOTM0MTRaMBkxFzAVBgNVBAMMDmZubG9ncy10ZXN0LWNhMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEheKT9j+WT2SjVm0m27UGjmbWHa30NgqCFHj6a3Ww
DgjqTlv618NzTL4dsMsdXbb3xAJaINnIpWbTnbAeUQZNN6NjMGEwHQYDVR0OBBYE
FIArtGTXYielhsSlzz884JeNeEF9MB8GA1UdIwQYMBaAFIArtGTXYielhsSlzz88
4JeNeEF9MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49
BAMCA0gAMEUCIAnqOnFIfvDnJspYyUykmeyeg3yTx5CqbGSpVVCWhKlXAiEAsIev
hLtZdMMIw4Q3mxMGyjgYd7M6AvcXXnNUIhzuPnM=
-----END CERTIFICATE-----
`,
  serverCert: `-----BEGIN CERTIFICATE-----
MIIBszCCAVqgAwIBAgIUT/kBwIfVgzvKnd4M/KpWm+qDe2kwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZm5sb2dzLXRlc3QtY2EwIBcNMjYxMTIyMTkzNDE0WhgPMjEy
NjEwMjkxOTM0MTRaMBkxFzAVBgNVBAMMDmt1YmUtYXBpc2VydmVyMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEIOX5ZZdyCYX1VtptOTElhdjEIHVklL3PagFLThfE
1A3JsaiSx0DvEb2TiPD1WLRPmMrk4W3Oeas0f3UyTs1dPaN+MHwwGgYDVR0RBBMw
EYcEfwAAAYIJbG9jYWxob3N0MBMGA1UdJQQMMAoGCCsGAQUFBwMBMAkGA1UdEwQC
MAAwHQYDVR0OBBYEFFIJ9v/5NtQWNgCyLITj8Ufd0rg6MB8GA1UdIwQYMBaAFIAr
tGTXYielhsSlzz884JeNeEF9MAoGCCqGSM49BAMCA0cAMEQCICqL6MHIREoe9Hdv
SdeooijPGw1wtMbUASL14wTMm33SAiBUo5ppwnx2/sZcwg+tSc4oQRwFpFtSEdp1
vR9Tg/yiiw==
-----END CERTIFICATE-----
`,
  serverKey: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrnJhFzLV6Ocp6QYM
hOk2OtZIY01KmxncBoWqLHVUtRChRANCAAQg5flll3IJhfVW2m05MSWF2MQgdWSU
vc9qAUtOF8TUDcmxqJLHQO8RvZOI8PVYtE+YyuThbc55qzR/dTJOzV09
-----END PRIVATE KEY-----
`,
  clientCert: `-----BEGIN CERTIFICATE-----
MIIBqDCCAU+gAwIBAgIUT/kBwIfVgzvKnd4M/KpWm+qDe2owCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOZm5sb2dzLXRlc3QtY2EwIBcNMjYxMTIyMTkzNDE0WhgPMjEy
NjEwMjkxOTM0MTRaMCoxDzANBgNVBAMMBmZubG9nczEXMBUGA1UECgwOc3lzdGVt
Om1hc3RlcnMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS3lRyDS3WfQO1mgW91
hDok9PD+WPkkXTYtjGSj8WYTUwlSdGUOLgSbOUezugh2Hb8Z9aFADDCbMNSC0+Gi
b5zbo2IwYDATBgNVHSUEDDAKBggrBgEFBQcDAjAJBgNVHRMEAjAAMB0GA1UdDgQW
BBS5E0FLLIi9ZzaDyuj3KSGrA2Xc4DAfBgNVHSMEGDAWgBSAK7Rk12InpYbEpc8/
POCXjXhBfTAKBggqhkjOPQQDAgNHADBEAiBaM0nwjnQ+pjgIPEDImRLOUPPdwGRz
9ziwpodtt2oKvQIgGl8PN7oFCenfGKuxkywzGe81PK7aGW02vf1Lx+1mL3c=
-----END CERTIFICATE-----
`,
  clientKey: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQguMRyhgthLEctKpxD
OrlKgJMf5VsC6cMUGs6vmv3JhyOhRANCAAS3lRyDS3WfQO1mgW91hDok9PD+WPkk
XTYtjGSj8WYTUwlSdGUOLgSbOUezugh2Hb8Z9aFADDCbMNSC0+Gib5zb
-----END PRIVATE KEY-----
`,
} as const;
