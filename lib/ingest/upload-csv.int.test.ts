import { beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { AppError } from "@/lib/server/api/errors";
import { CHUNK_POINTS, uploadCsv } from "@/lib/ingest/upload-csv";
import { UploadStage } from "@/lib/ingest/upload-stage";

withTestDatabase();

let sourceId = "";
const t0 = 1_700_000_000;
const HOSTS = ["h1", "h2", "h3", "h4"];

/** A CSV generated as it is read, so the test itself never holds the file either. */
function generatedCsv(rows: number, opts: { badAt?: number } = {}): { stream: ReadableStream<Uint8Array>; bytes: () => number } {
  let i = 0;
  let bytes = 0;
  const enc = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      let text = i === 0 ? "timestamp,series,value,host\n" : "";
      const end = Math.min(rows, i + 2_000);
      for (; i < end; i++) {
        const value = i === opts.badAt ? "oops" : ((i * 7919) % 1000) / 10;
        text += `${t0 + Math.floor(i / HOSTS.length) * 60},cpu.usage,${value},${HOSTS[i % HOSTS.length]}\n`;
      }
      const chunk = enc.encode(text);
      bytes += chunk.length;
      controller.enqueue(chunk);
      if (i >= rows) controller.close();
    },
  });
  return { stream, bytes: () => bytes };
}

function textStream(text: string): ReadableStream<Uint8Array> {
  return new Response(text).body!;
}

const pointCount = () => getPrisma().dataPoint.count({ where: { series: { sourceId } } });

beforeAll(async () => {
  sourceId = (await createSource({ name: "upload", kind: "CSV_UPLOAD", config: {} }, null)).id;
});

describe("streamed CSV upload", () => {
  it("writes a multi-MB file in chunks, reading only a bounded way ahead of what it staged; every row lands", async () => {
    const rows = 600_000;
    const csv = generatedCsv(rows);
    // At each staged chunk: how far the reader had got in the file (bytes pulled from the body).
    // Bounded read-ahead is what bounds memory; it does not depend on when the GC runs.
    const pulledAtStage: number[] = [];
    const stage = UploadStage.prototype.stage;
    const spy = vi.spyOn(UploadStage.prototype, "stage").mockImplementation(function (this: UploadStage, chunk) {
      pulledAtStage.push(csv.bytes());
      return stage.call(this, chunk);
    });
    const result = await uploadCsv(sourceId, csv.stream).finally(() => spy.mockRestore());
    expect(csv.bytes()).toBeGreaterThan(rows * 20);
    expect(result).toMatchObject({ accepted: rows, series: HOSTS.length });
    expect(await pointCount()).toBe(rows);
    const bytesPerRow = csv.bytes() / rows;
    const readAhead = pulledAtStage.map((pulled, i) => pulled - (i + 1) * CHUNK_POINTS * bytesPerRow);
    expect(pulledAtStage.length).toBe(Math.ceil(rows / CHUNK_POINTS));
    // Reading the file whole would put it all ahead of the first chunk; a few stream buffers is all.
    expect(Math.max(...readAhead)).toBeLessThan(csv.bytes() / 20);
    const source = await getPrisma().dataSource.findUniqueOrThrow({ where: { id: sourceId } });
    expect(source.lastIngestedAt).not.toBeNull();
  }, 180_000);

  it("is all-or-nothing: a bad row after several written chunks rolls the whole upload back", async () => {
    const before = await pointCount();
    const badAt = CHUNK_POINTS * 3 + 17;
    const err = await uploadCsv(sourceId, generatedCsv(CHUNK_POINTS * 4, { badAt }).stream.pipeThrough(new TransformStream())).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toBe(`line ${badAt + 2}: value: value must be a finite number`);
    expect(err.issues).toEqual([{ path: `line ${badAt + 2}: value`, message: "value must be a finite number" }]);
    expect(await pointCount()).toBe(before);
  }, 60_000);

  it("same layouts and messages as push ingest: wide layout, bad header, empty file", async () => {
    const wide = await uploadCsv(sourceId, textStream("ts,temp,hum\n2024-05-01,1,\n2024-05-02,2,50\n"));
    expect(wide).toMatchObject({ accepted: 3, series: 2 });
    await expect(uploadCsv(sourceId, textStream("when,x\n1,2\n"))).rejects.toThrow('line 1: the first column must be "timestamp" (got "when")');
    await expect(uploadCsv(sourceId, textStream(""))).rejects.toThrow("CSV is empty: expected a header row");
    await expect(uploadCsv(sourceId, textStream('timestamp,x\n1,"2\n'))).rejects.toThrow(/^CSV is malformed: /);
  });

  it("refuses a body over the configured limit with 413, writing nothing", async () => {
    const before = await pointCount();
    const err = await uploadCsv(sourceId, generatedCsv(100_000).stream, 1_000_000).catch((e) => e);
    expect(err).toMatchObject({ code: "payload_too_large", message: "Upload exceeds 1000000 bytes" });
    expect(await pointCount()).toBe(before);
  });
});
