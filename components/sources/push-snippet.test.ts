import { describe, expect, it } from "vitest";
import { parseIngestBody } from "@/lib/ingest/parse";
import { pushSnippet } from "@/components/sources/push-snippet";

describe("pushSnippet", () => {
  it("shows a body that ingest accepts", () => {
    const body = /-d '([\s\S]*)'$/.exec(pushSnippet("http://vigil:3000"))![1];
    const batch = parseIngestBody("application/json", body);
    expect(batch.points).toBe(2);
  });
});
