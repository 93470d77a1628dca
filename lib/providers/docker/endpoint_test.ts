import { assertEquals, assertThrows } from "@std/assert";
import { DEFAULT_DOCKER_HOST, parseDockerHost } from "./endpoint.ts";
import { InvalidInputError } from "../../errors.ts";

Deno.test("parseDockerHost() defaults to the daemon's unix socket", () => {
  for (const host of [undefined, ""]) {
    assertEquals(parseDockerHost(host), {
      host: DEFAULT_DOCKER_HOST,
      baseUrl: "http://localhost",
      socketPath: "/var/run/docker.sock",
    });
  }
});

Deno.test("parseDockerHost() reads tcp and http addresses", () => {
  assertEquals(parseDockerHost("tcp://127.0.0.1:2375").baseUrl, "http://127.0.0.1:2375");
  assertEquals(parseDockerHost("tcp://docker").baseUrl, "http://docker:2375");
  assertEquals(parseDockerHost("tcp://[::1]:1234/prefix/").baseUrl, "http://[::1]:1234/prefix");
  assertEquals(parseDockerHost("http://box:8080").baseUrl, "http://box:8080");
  assertEquals(parseDockerHost("https://box").tls, undefined);
});

Deno.test("parseDockerHost() uses TLS with DOCKER_TLS_VERIFY like the docker CLI", () => {
  const env = { DOCKER_TLS_VERIFY: "1", HOME: "/home/me" };
  assertEquals(parseDockerHost("tcp://box", env), {
    host: "tcp://box",
    baseUrl: "https://box:2376",
    tls: { certPath: "/home/me/.docker" },
  });
  assertEquals(
    parseDockerHost("tcp://box:3000", { ...env, DOCKER_CERT_PATH: "/certs" }).tls,
    { certPath: "/certs" },
  );
  assertEquals(parseDockerHost("tcp://box", { DOCKER_TLS_VERIFY: "" }).baseUrl, "http://box:2375");
});

Deno.test("parseDockerHost() rejects what it cannot use", () => {
  for (
    const host of [
      "ssh://me@box",
      "npipe:////./pipe/docker_engine",
      "unix://relative",
      "box:2375",
      "tcp://",
      "tcp://box?x=1",
    ]
  ) {
    assertThrows(() => parseDockerHost(host), InvalidInputError, "Cannot use Docker host", host);
  }
});
