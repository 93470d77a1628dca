import { assertEquals, assertRejects } from "@std/assert";
import { ConnectError, HttpStatusError, UpstreamError } from "../errors.ts";
import { listGatewayFunctions } from "./list_functions.ts";

function answering(body: string, status = 200, seen: Request[] = []): typeof fetch {
  return (input, init) => {
    seen.push(new Request(input, init));
    return Promise.resolve(new Response(body, { status }));
  };
}

Deno.test("listGatewayFunctions() lists the functions of GET /system/functions", async () => {
  const seen: Request[] = [];
  const functions = await listGatewayFunctions({
    gateway: "http://gw:8080/",
    namespace: "openfaas-fn",
    auth: { kind: "bearer", token: "t" },
    fetch: answering(
      '[{"name":"env","replicas":1,"availableReplicas":1,"image":"ghcr.io/openfaas/env:latest",' +
        '"namespace":"openfaas-fn","labels":{"faas_function":"env","n":3}},{"name":"figlet"},{"image":"x"}]',
      200,
      seen,
    ),
  });
  assertEquals(functions, [
    {
      name: "env",
      namespace: "openfaas-fn",
      replicas: 1,
      availableReplicas: 1,
      image: "ghcr.io/openfaas/env:latest",
      labels: { faas_function: "env" },
    },
    { name: "figlet", namespace: "openfaas-fn", replicas: 0, availableReplicas: 0 },
  ]);
  assertEquals(seen[0].url, "http://gw:8080/system/functions?namespace=openfaas-fn");
  assertEquals(seen[0].headers.get("authorization"), "Bearer t");
});

Deno.test("listGatewayFunctions() rejects with typed errors", async () => {
  const gateway = "http://gw:8080";
  await assertRejects(
    () => listGatewayFunctions({ gateway, fetch: answering("nope\n", 401) }),
    HttpStatusError,
  );
  await assertRejects(
    () => listGatewayFunctions({ gateway, fetch: answering("{}") }),
    UpstreamError,
  );
  await assertRejects(
    () => listGatewayFunctions({ gateway, fetch: () => Promise.reject(new TypeError("refused")) }),
    ConnectError,
    "Cannot connect to OpenFaaS on URL: http://gw:8080",
  );
});
