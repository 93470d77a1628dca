import { assertEquals } from "@std/assert";
import { buildLogRequest, LOG_REQUEST_ACCEPT } from "./build_log_request.ts";

const GW = "http://127.0.0.1:8080";

Deno.test("buildLogRequest() sends faas-cli's defaults: follow=true&name=FN&tail=-1", () => {
  const { url } = buildLogRequest({ gateway: GW, name: "funcFoo", follow: true, tail: -1 });
  assertEquals(url, "http://127.0.0.1:8080/system/logs?follow=true&name=funcFoo&tail=-1");
});

Deno.test("buildLogRequest() sorts every key as Go's url.Values.Encode does", () => {
  const { url } = buildLogRequest({
    gateway: GW,
    name: "env",
    namespace: "openfaas-fn",
    instance: "env-5b6d68d94c-qqdtj",
    follow: false,
    tail: 5,
    since: "2019-01-01T00:55:00Z",
  });
  assertEquals(
    url,
    "http://127.0.0.1:8080/system/logs?follow=false&instance=env-5b6d68d94c-qqdtj&name=env" +
      "&namespace=openfaas-fn&since=2019-01-01T00%3A55%3A00Z&tail=5",
  );
});

Deno.test("buildLogRequest() leaves out tail=0, an empty namespace and an empty instance", () => {
  const { url } = buildLogRequest({
    gateway: GW,
    name: "f",
    namespace: "",
    instance: "",
    follow: true,
    tail: 0,
  });
  assertEquals(url, "http://127.0.0.1:8080/system/logs?follow=true&name=f");
});

Deno.test("buildLogRequest() percent-encodes an offset and nanoseconds like Go", () => {
  const { url } = buildLogRequest({
    gateway: GW,
    name: "a b&c",
    follow: true,
    since: "2023-07-04T16:27:23.123456789+01:00",
  });
  assertEquals(
    url,
    "http://127.0.0.1:8080/system/logs?follow=true&name=a+b%26c" +
      "&since=2023-07-04T16%3A27%3A23.123456789%2B01%3A00",
  );
});

Deno.test("buildLogRequest() escapes what Go escapes and keeps - _ . ~", () => {
  const { url } = buildLogRequest({ gateway: GW, name: "x-_.~!'()*é/", follow: true });
  assertEquals(url, GW + "/system/logs?follow=true&name=x-_.~%21%27%28%29%2A%C3%A9%2F");
});

Deno.test("buildLogRequest() trims trailing slashes and keeps a path prefix", () => {
  const { url } = buildLogRequest({
    gateway: "https://gw.example.com/prefix//",
    name: "f",
    follow: true,
  });
  assertEquals(url, "https://gw.example.com/prefix/system/logs?follow=true&name=f");
});

Deno.test("buildLogRequest() sends an empty bearer token without a login, as faas-cli does", () => {
  const { headers } = buildLogRequest({ gateway: GW, name: "f", follow: true });
  // Headers trim the trailing space exactly as Go writes `Bearer ` on the wire.
  assertEquals(headers.get("authorization"), "Bearer");
  assertEquals(headers.get("accept"), LOG_REQUEST_ACCEPT);
  assertEquals(headers.get("user-agent"), "fnlogs");
  assertEquals(headers.get("last-event-id"), null);
});

Deno.test("buildLogRequest() sends a bearer token, basic auth and Last-Event-ID", () => {
  const bearer = buildLogRequest({
    gateway: GW,
    name: "f",
    follow: true,
    auth: { kind: "bearer", token: "abc.def" },
    lastEventId: "r1-42",
  });
  assertEquals(bearer.headers.get("authorization"), "Bearer abc.def");
  assertEquals(bearer.headers.get("last-event-id"), "r1-42");
  const basic = buildLogRequest({
    gateway: GW,
    name: "f",
    follow: true,
    auth: { kind: "basic", username: "admin", password: "pä:ss" },
    eventStream: false,
  });
  assertEquals(basic.headers.get("authorization"), "Basic " + "YWRtaW46cMOkOnNz");
  assertEquals(basic.headers.get("accept"), null);
});

Deno.test("buildLogRequest() appends extension parameters only to event-stream requests", () => {
  const extraParams = [["level", "warn"], ["where", "a b=c&d"]] as const;
  const base = { gateway: GW, name: "env", follow: true, extraParams };
  assertEquals(
    buildLogRequest(base).url,
    `${GW}/system/logs?follow=true&name=env&level=warn&where=a+b%3Dc%26d`,
  );
  assertEquals(
    buildLogRequest({ ...base, eventStream: false }).url,
    `${GW}/system/logs?follow=true&name=env`,
  );
});
