import { describe, expect, it } from "vitest";
import { keepStoredSecrets, maskSourceConfig, maskUrl } from "@/lib/sources/secrets";

describe("source secrets", () => {
  it("masks only the password of a URL, keeping everything else as typed", () => {
    expect(maskUrl("amqp://guest:s3cr%40t@rabbit:5672/vhost")).toBe("amqp://guest:***@rabbit:5672/vhost");
    expect(maskUrl("https://ops:pw@prom.example/api/")).toBe("https://ops:***@prom.example/api/");
    expect(maskUrl("mqtt://broker:1883")).toBe("mqtt://broker:1883");
    expect(maskUrl("nats://user@nats:4222")).toBe("nats://user@nats:4222");
    expect(maskUrl("http://host/path?a=b:c@d")).toBe("http://host/path?a=b:c@d");
    expect(maskSourceConfig({ url: "amqp://a:b@h", queue: "q:x@y", mapping: { value: "v" } })).toEqual({ url: "amqp://a:***@h", queue: "q:x@y", mapping: { value: "v" } });
    expect(maskSourceConfig({})).toEqual({});
  });

  it("keeps the stored password for a URL sent back as shown, and refuses a masked URL that changed", () => {
    const stored = { brokerUrl: "mqtts://dev:hunter2@broker:8883", topic: "a/#" };
    expect(keepStoredSecrets({ brokerUrl: "mqtts://dev:***@broker:8883", topic: "b/#" }, stored)).toEqual({ config: { brokerUrl: "mqtts://dev:hunter2@broker:8883", topic: "b/#" }, issues: [] });
    expect(keepStoredSecrets({ brokerUrl: "mqtts://dev:new@broker:8883" }, stored).config).toEqual({ brokerUrl: "mqtts://dev:new@broker:8883" });
    // Another host (or user) with the hidden password: the stored one must never go there.
    const moved = keepStoredSecrets({ brokerUrl: "mqtts://dev:***@evil.example:8883" }, stored);
    expect(moved.config).toEqual({ brokerUrl: "mqtts://dev:***@evil.example:8883" });
    expect(moved.issues).toEqual([{ path: "config.brokerUrl", message: "the password is hidden (***): type it again to change this URL" }]);
    expect(keepStoredSecrets({ brokerUrl: "mqtts://dev:***@broker:8883" }, null).issues).toHaveLength(1);
  });
});
