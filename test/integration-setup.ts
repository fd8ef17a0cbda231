/** Runs in every integration test file: removes the Redis keys the file's queue prefixes made. */
import { afterAll } from "vitest";
import { flushTestPrefixes } from "@/test/redis-keys";

afterAll(async () => {
  await flushTestPrefixes();
});
